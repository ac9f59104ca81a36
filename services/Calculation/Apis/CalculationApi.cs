using Calculation.Inputs;
using Calculation.Rules;
using Calculation.Settlement;
using Calculation.Statements;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Crypto;
using Subsidy.ServiceData.Divisions;
using Subsidy.ServiceData.Operations;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Time;

namespace Calculation.Apis;

/// <summary>
/// What a run used (docs/design/04-calculation.md): the export batch (and the batches whose 一次性补缴
/// records counted), the roster, the scheme and its version, the policy year, the budget B and the
/// cap.
/// </summary>
public sealed record RunInputsView(
    Guid? BatchId,
    IReadOnlyList<Guid> LumpSumBatches,
    Guid? RosterBatchId,
    Guid? SchemeId,
    long? SchemeVersion,
    string? PolicyRegion,
    int PolicyYear,
    long? PolicyVersion,
    decimal Budget,
    decimal? Cap
);

public sealed record RunView(
    Guid Id,
    string Fingerprint,
    int Members,
    int Eligible,
    decimal Total,
    int DurationMs,
    DateTime CreatedAt,
    RunInputsView Inputs
)
{
    /// <summary>What the run used, in words for people (the 测算依据 tab).</summary>
    public IReadOnlyList<BasisItem> Basis => RunBasis.Describe(Inputs);
}

/// <summary>One member's result. <see cref="IdNumber"/> is masked unless the caller asked for full
/// numbers and may see them (<see cref="IdNumberAccess"/>); <see cref="MemberKey"/> names the member
/// in requests either way.</summary>
public sealed record ResultView(
    string MemberKey,
    string IdNumber,
    string Name,
    string? Exclusion,
    decimal Own,
    decimal? Tier,
    string? SpecialGroup,
    decimal Floor,
    decimal Incentive,
    decimal FloorPart,
    decimal IncentivePart,
    decimal Subsidy,
    decimal? AdjustedSubsidy,
    decimal Amount,
    string[] Flags,
    string? Explanation
)
{
    public ResultView Masked() =>
        this with
        {
            IdNumber = global::Subsidy.Contracts.IdNumber.Mask(IdNumber),
        };
}

/// <summary>One line of the totals by category: how many members, and how much they
/// receive.</summary>
public sealed record CategoryTotal(
    string Category,
    string Code,
    string Name,
    int Members,
    decimal Amount
);

/// <summary>An input a waiting village-year still lacks: its code and what it means.</summary>
public sealed record WaitingForView(string Code, string Name);

public sealed record PaymentNoticeView(
    string Number,
    decimal Amount,
    string Payer,
    string? CreditCode,
    DateOnly IssuedOn,
    DateOnly DueOn,
    string? ReceiptNumber,
    decimal? PaidAmount,
    DateTime? PaidAt,
    DateOnly? CreditedOn,
    string? RejectionReason,
    DateTime? RejectedAt
);

public sealed record VillageYearView(
    string VillageCode,
    int Year,
    string State,
    string StateName,
    bool Stale,
    IReadOnlyList<WaitingForView> WaitingFor,
    bool Calculating,
    DateOnly? NoticeStart,
    DateOnly? NoticeEnd,
    string? RejectionReason,
    int OpenObjections,
    decimal Total,
    RunView? Run,
    PaymentNoticeView? PaymentNotice,
    IReadOnlyList<CategoryTotal> Totals,
    int ResultCount,
    int Page,
    int? PageSize,
    IReadOnlyList<ResultView> Results,
    IReadOnlyList<AllowedStep> AllowedSteps,
    IdNumbersView IdNumbers
);

/// <summary>How the list shows ID numbers: whole (asked for, and recorded in the audit log) or
/// masked; whether this caller may ask for them whole, and the purposes the portal offers.</summary>
public sealed record IdNumbersView(bool Full, bool MayViewFull, IReadOnlyList<string> Purposes);

/// <summary>
/// What a settlement step answers: the village-year as it now stands, without its member list (one
/// GET away). A step about one member's objection carries that member's result.
/// </summary>
public sealed record SettlementStatusView(
    string VillageCode,
    int Year,
    string State,
    string StateName,
    bool Stale,
    DateOnly? NoticeStart,
    DateOnly? NoticeEnd,
    string? RejectionReason,
    int OpenObjections,
    decimal Total,
    int Recipients,
    RunView? Run,
    PaymentNoticeView? PaymentNotice,
    ResultView? Member
);

/// <summary>
/// The member list's filters and paging: a reason or flag code, a name or ID number to look for, a
/// page; full ID numbers (with the purpose, which the audit log records) for a role that may see
/// them.
/// </summary>
public sealed record VillageYearQuery(
    [property: FromRoute(Name = "villageCode")] string VillageCode,
    [property: FromRoute(Name = "year")] int Year,
    [property: FromQuery(Name = "reason")] string? Reason,
    [property: FromQuery(Name = "q")] string? Q,
    [property: FromQuery(Name = "page")] int? Page,
    [property: FromQuery(Name = "pageSize")] int? PageSize,
    [property: FromQuery(Name = "full")] bool? Full,
    [property: FromQuery(Name = "purpose")] string? Purpose
);

public static class CalculationApi
{
    public const int MaxPageSize = 500;

    public static RouteGroupBuilder MapCalculationApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/calculation").RequireAuthorization().WithTags("补助测算");
        group.MapKnownDivisions();
        group.MapGet("/village-years/{villageCode}/{year:int}", GetVillageYear);
        group.MapVillageYearListApi();
        group.MapSettlementApi();
        group.MapSettlementBatchApi();
        group.MapObjectionsApi();
        group.MapReportsApi();
        group.MapAuditApi();
        group.MapOperationsApi();
        group.MapTaxBureauApi();
        group.MapStatementsApi();
        return group;
    }

    private const string CalculatingSql =
        "SELECT EXISTS (SELECT 1 FROM pending_village_years WHERE village_code = @villageCode AND year = @year)";

    /// <summary>
    /// A village-year: its state (and, while it waits, for what), its latest run and what the run
    /// used, totals by category, and its members' results with explanations — all of them, or one
    /// page of those matching a reason or flag code and a name or ID number.
    /// </summary>
    public static async Task<
        Results<Ok<VillageYearView>, ProblemHttpResult, ValidationProblem>
    > GetVillageYear(
        [AsParameters] VillageYearQuery query,
        HttpContext http,
        NpgsqlDataSource dataSource,
        DivisionReplica divisions,
        BusinessClock clock,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (!caller.Covers(query.VillageCode))
            return Problems.OutOfScope(caller, query.VillageCode);
        if (WhyInvalid(query) is { Count: > 0 } invalid)
            return Problems.Invalid(invalid);
        var full = query.Full == true;
        if (full && IdNumberAccess.WhyNotFull(caller, query.Purpose) is { } notFull)
        {
            return Problems.From(notFull);
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var standing = await VillageYearStanding.ReadAsync(
            connection,
            null,
            query.VillageCode,
            query.Year,
            cancellationToken
        );
        if (
            standing is null
            && await divisions.FindAsync(query.VillageCode, cancellationToken)
                is not { Level: DivisionLevel.Village }
        )
        {
            return Problems.NotFound($"系统中没有村(居) {query.VillageCode}。");
        }
        var status = standing is null
            ? null
            : SettlementStatus.Of(query.VillageCode, query.Year, standing);
        var state = status?.State ?? SettlementStates.WaitingForInputs;
        var waitingFor =
            state == SettlementStates.WaitingForInputs
                ? (
                    await VillageYearInputs.LoadAsync(
                        connection,
                        null,
                        query.VillageCode,
                        query.Year,
                        lockVillageYear: false,
                        cancellationToken
                    )
                )
                    .Missing.Select(m => new WaitingForView(
                        Readiness.Code(m),
                        Readiness.ChineseName(m)
                    ))
                    .ToList()
                : [];
        var calculating = await connection.ExecuteScalarAsync<bool>(
            new CommandDefinition(
                CalculatingSql,
                new { query.VillageCode, query.Year },
                cancellationToken: cancellationToken
            )
        );

        var results = status?.Run is null
            ? []
            : await SettlementStatus.ResultsAsync(
                connection,
                null,
                status.Run.Id,
                null,
                cancellationToken
            );
        var matching = results.Where(r => Matches(r, query, full)).ToList();
        var page = Math.Max(1, query.Page ?? 1);
        var shown = query.PageSize is { } size
            ? matching.Skip((page - 1) * size).Take(size).ToList()
            : matching;
        if (full && shown.Count > 0)
        {
            await IdNumberViews.RecordAsync(
                connection,
                caller,
                $"{query.VillageCode}/{query.Year}",
                query.VillageCode,
                query.Purpose!,
                IdNumberAccess.Whose(shown.Select(r => (r.Name, r.IdNumber))),
                cancellationToken
            );
        }
        return TypedResults.Ok(
            new VillageYearView(
                query.VillageCode,
                query.Year,
                state,
                SettlementStateNames.ChineseName(state),
                status?.Stale ?? false,
                waitingFor,
                calculating,
                status?.NoticeStart,
                status?.NoticeEnd,
                status?.RejectionReason,
                status?.OpenObjections ?? 0,
                results.Sum(r => r.Amount),
                status?.Run,
                status?.PaymentNotice,
                ResultCategories.Of(results),
                matching.Count,
                page,
                query.PageSize,
                shown
                    .Select(r => full ? r : r.Masked())
                    .Select(SettlementStatus.Explained)
                    .ToList(),
                AllowedSteps.For(
                    state,
                    status?.Stale ?? false,
                    caller,
                    query.VillageCode,
                    status?.NoticeEnd,
                    clock.Today,
                    status?.OpenObjections ?? 0
                ),
                new IdNumbersView(
                    full,
                    IdNumberAccess.MayViewFull(caller),
                    IdNumberAccess.CommonPurposes
                )
            )
        );
    }

    private static List<(string Field, string Message)> WhyInvalid(VillageYearQuery query)
    {
        var errors = new List<(string, string)>();
        if (
            query.Reason is { } reason
            && !ResultCodes.IsExclusion(reason)
            && !ResultCodes.IsFlag(reason)
        )
        {
            var codes = ResultCodes
                .Exclusions.Select(ResultCodes.Of)
                .Concat(ResultCodes.Flags.Select(ResultCodes.Of));
            errors.Add(
                (
                    "reason",
                    $"筛选条件 {reason} 不是不予补助原因或标记代码，可选：{string.Join("、", codes)}。"
                )
            );
        }
        if (query.Page is < 1)
            errors.Add(("page", "页码须从1开始。"));
        if (query.PageSize is < 1 or > MaxPageSize)
            errors.Add(("pageSize", $"每页条数须在1至{MaxPageSize}之间。"));
        return errors;
    }

    /// <summary>
    /// Whether a member matches the filters. A number is looked for in what the caller is shown:
    /// part of a full number, or for masked lists the visible part or the whole number, so that
    /// probing digit by digit reveals no birth date.
    /// </summary>
    private static bool Matches(ResultView r, VillageYearQuery query, bool full)
    {
        if (
            query.Reason is not null
            && r.Exclusion != query.Reason
            && !r.Flags.Contains(query.Reason)
        )
            return false;
        if (string.IsNullOrWhiteSpace(query.Q))
            return true;
        var q = query.Q.Trim();
        var number = q.ToUpperInvariant();
        return r.Name.Contains(q, StringComparison.Ordinal)
            || (full ? r.IdNumber : IdNumber.Mask(r.IdNumber)).Contains(
                number,
                StringComparison.Ordinal
            )
            || r.IdNumber == number;
    }
}
