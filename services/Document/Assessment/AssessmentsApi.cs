using Dapper;
using Document.Apis;
using Document.Issuing;
using Document.Rendering;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Divisions;
using Subsidy.ServiceDefaults.Auth;

namespace Document.Assessment;

public sealed record AssessmentView(
    IReadOnlyList<AssessmentRow> Rows,
    AssessmentRow Total,
    DocumentSummary Xlsx,
    DocumentSummary Pdf
);

/// <summary>
/// 考核表 on request, from what this service already keeps (divisions, pilot statuses, settlement
/// steps): a township's villages, a county's townships or a city's counties. An officer gets only
/// the area their scope covers.
/// </summary>
public static class AssessmentsApi
{
    // Every active village of the area with its pilot status and its village-years of the year and
    // the year before.
    private const string VillagesSql = """
        SELECT d.code, left(d.code, @childLength) AS unit, p.status AS pilot_status,
               t.state AS t_state, t.members AS t_members, t.eligible AS t_eligible, t.recipients AS t_recipients,
               CASE WHEN t.credited THEN t.amount ELSE 0 END AS t_credited, t.tiered AS t_tiered, t.tier_sum AS t_tier_sum, t.tier_1000 AS t_tier_1000,
               l.state AS l_state, l.members AS l_members, l.eligible AS l_eligible, l.recipients AS l_recipients,
               CASE WHEN l.credited THEN l.amount ELSE 0 END AS l_credited, l.tiered AS l_tiered, l.tier_sum AS l_tier_sum, l.tier_1000 AS l_tier_1000,
               greatest(t.as_of, l.as_of) AS as_of
        FROM known_divisions d
        LEFT JOIN known_pilots p ON p.village_code = d.code
        LEFT JOIN village_years t ON t.village_code = d.code AND t.year = @year
        LEFT JOIN village_years l ON l.village_code = d.code AND l.year = @year - 1
        WHERE d.level = 5 AND d.active AND starts_with(d.code, @prefix)
        ORDER BY d.code
        """;

    private sealed class VillageRow
    {
        public string Code { get; set; } = "";
        public string Unit { get; set; } = "";
        public string? PilotStatus { get; set; }
        public string? TState { get; set; }
        public int? TMembers { get; set; }
        public int? TEligible { get; set; }
        public int? TRecipients { get; set; }
        public decimal? TCredited { get; set; }
        public int? TTiered { get; set; }
        public decimal? TTierSum { get; set; }
        public int? TTier1000 { get; set; }
        public string? LState { get; set; }
        public int? LMembers { get; set; }
        public int? LEligible { get; set; }
        public int? LRecipients { get; set; }
        public decimal? LCredited { get; set; }
        public int? LTiered { get; set; }
        public decimal? LTierSum { get; set; }
        public int? LTier1000 { get; set; }
        public DateTime? AsOf { get; set; }

        public AssessedVillage ToVillage() =>
            new(
                Code,
                Unit.PadRight(DivisionCode.Length, '0'),
                PilotStatus,
                TState is null
                    ? null
                    : new VillageYearFigures(
                        TState,
                        TMembers ?? 0,
                        TEligible ?? 0,
                        TRecipients ?? 0,
                        TCredited ?? 0,
                        TTiered ?? 0,
                        TTierSum ?? 0,
                        TTier1000 ?? 0
                    ),
                LState is null
                    ? null
                    : new VillageYearFigures(
                        LState,
                        LMembers ?? 0,
                        LEligible ?? 0,
                        LRecipients ?? 0,
                        LCredited ?? 0,
                        LTiered ?? 0,
                        LTierSum ?? 0,
                        LTier1000 ?? 0
                    )
            );
    }

    public static RouteGroupBuilder MapAssessmentsApi(this RouteGroupBuilder group)
    {
        group
            .MapPost("/assessments/{divisionCode}/{year:int}", IssueAssessment)
            .RequireRoles(AreaReports.Roles);
        return group;
    }

    public static async Task<Results<Ok<AssessmentView>, ProblemHttpResult>> IssueAssessment(
        string divisionCode,
        int year,
        HttpContext http,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (AreaReports.WhyNot(caller, divisionCode, out var level) is { } refused)
            return refused;
        var childLength = DivisionCode.ChildPrefixLength(level);
        await using var work = await UnitOfWork.BeginAsync(dataSource, cancellationToken);
        var found = (
            await work.Connection.QueryAsync<VillageRow>(
                new CommandDefinition(
                    VillagesSql,
                    new
                    {
                        childLength,
                        year,
                        prefix = DivisionCode.ScopePrefix(divisionCode),
                    },
                    work.Transaction,
                    cancellationToken: cancellationToken
                )
            )
        ).AsList();
        if (found.Count == 0)
            return Problems.NotFound($"{divisionCode} 下没有村(居)。");
        var villages = found.Select(v => v.ToVillage()).ToList();
        var codes = villages.Select(v => v.UnitCode).Distinct().Append(divisionCode).ToArray();
        var names = (
            await DivisionReplica.FindAllAsync(
                work.Connection,
                work.Transaction,
                codes,
                cancellationToken
            )
        ).ToDictionary(d => d.Key, d => d.Value.Name);
        var area = names.GetValueOrDefault(divisionCode, divisionCode);
        var rows = AssessmentRules.Rows(villages, names);
        var total = AssessmentRules.Total(divisionCode, area, villages);
        // Dated by the data it counts, not by the clock: the same data gives the same bytes.
        var asOf = found.Max(v => v.AsOf) is { } latest
            ? Subsidy.ServiceDefaults.Time.BusinessClock.DateOf(
                new DateTimeOffset(DateTime.SpecifyKind(latest, DateTimeKind.Utc))
            )
            : new DateOnly(year, 1, 1);
        var xlsx = await DocumentStore.IssueAsync(
            work,
            new DocumentToIssue(
                "assessment-xlsx",
                divisionCode,
                year,
                $"{area}{year}年度集体补助试点考核表.xlsx",
                ContentTypes.Xlsx,
                AssessmentDocument.Xlsx(area, year, asOf, rows, total)
            ),
            cancellationToken
        );
        var pdf = await DocumentStore.IssueAsync(
            work,
            new DocumentToIssue(
                "assessment-pdf",
                divisionCode,
                year,
                $"{area}{year}年度集体补助试点考核表.pdf",
                ContentTypes.Pdf,
                AssessmentDocument.Pdf(area, year, asOf, rows, total)
            ),
            cancellationToken
        );
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(
            new AssessmentView(
                rows,
                total,
                await DocumentStore.SummaryAsync(work.Connection, xlsx, cancellationToken),
                await DocumentStore.SummaryAsync(work.Connection, pdf, cancellationToken)
            )
        );
    }
}
