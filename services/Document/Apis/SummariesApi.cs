using Document.Issuing;
using Document.Rendering;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Divisions;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Time;

namespace Document.Apis;

/// <summary>年度汇总表 on request: a township's villages, a county's townships, a city's
/// counties.</summary>
public static class SummariesApi
{
    public static RouteGroupBuilder MapSummariesApi(this RouteGroupBuilder group)
    {
        group
            .MapPost("/summaries/{divisionCode}/{year:int}", IssueSummary)
            .RequireRoles(AreaReports.Roles);
        return group;
    }

    public static async Task<Results<Ok<DocumentSummary>, ProblemHttpResult>> IssueSummary(
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
        var rows = await SummaryQueries.LinesAsync(
            work.Connection,
            work.Transaction,
            childLength,
            year,
            DivisionCode.ScopePrefix(divisionCode),
            cancellationToken
        );
        if (rows.Count == 0)
            return Problems.NotFound($"{divisionCode} {year} 年度尚无结算数据。");
        var codes = rows.Select(r => r.Prefix.PadRight(DivisionCode.Length, '0'))
            .Append(divisionCode)
            .ToArray();
        var names = (
            await DivisionReplica.FindAllAsync(
                work.Connection,
                work.Transaction,
                codes,
                cancellationToken
            )
        ).ToDictionary(d => d.Key, d => d.Value.Name);
        var lines = rows.Select(r =>
            {
                var code = r.Prefix.PadRight(DivisionCode.Length, '0');
                return new SummaryLine(
                    code,
                    names.GetValueOrDefault(code, code),
                    r.VillageYears,
                    r.Recipients,
                    r.Amount,
                    r.PaidAmount,
                    r.CreditedAmount
                );
            })
            .ToList();
        var name = names.GetValueOrDefault(divisionCode, divisionCode);
        // Dated by the data it sums, not by the clock: the same data gives the same bytes.
        var asOf = BusinessClock.DateOf(
            new DateTimeOffset(DateTime.SpecifyKind(rows.Max(r => r.AsOf), DateTimeKind.Utc))
        );
        var content = SummaryDocument.Xlsx(name, year, asOf, lines);
        var document = new DocumentToIssue(
            "summary-xlsx",
            divisionCode,
            year,
            $"{name}{year}年度集体补助汇总表.xlsx",
            ContentTypes.Xlsx,
            content
        );
        var id = await DocumentStore.IssueAsync(work, document, cancellationToken);
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(
            await DocumentStore.SummaryAsync(work.Connection, id, cancellationToken)
        );
    }
}
