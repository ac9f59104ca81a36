using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Calculation.Rules;
using Calculation.Settlement;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Data;
using Subsidy.ServiceDefaults.Divisions;
using Subsidy.ServiceDefaults.Time;

namespace Calculation.Apis;

public sealed record RunView(Guid Id, string Fingerprint, int Members, int Eligible, decimal Total, int DurationMs, DateTime CreatedAt);

public sealed record ResultView(string IdNumber, string Name, string? Exclusion, decimal Own, decimal? Tier, string? SpecialGroup,
    decimal Floor, decimal Incentive, decimal FloorPart, decimal IncentivePart, decimal Subsidy, decimal? AdjustedSubsidy, decimal Amount, string Flags, string? Explanation);

/// <summary>One line of the totals by category: how many members, and how much they receive.</summary>
public sealed record CategoryTotal(string Category, string Code, string Name, int Members, decimal Amount);

public sealed record PaymentNoticeView(string Number, decimal Amount, string Payer, string? CreditCode, DateOnly IssuedOn, DateOnly DueOn,
    string? ReceiptNumber, decimal? PaidAmount, DateTime? PaidAt, DateOnly? CreditedOn, string? RejectionReason, DateTime? RejectedAt);

public sealed record VillageYearView(string VillageCode, int Year, string State, string StateName, bool Stale, DateOnly? NoticeStart, DateOnly? NoticeEnd,
    string? RejectionReason, int OpenObjections, decimal Total, RunView? Run, PaymentNoticeView? PaymentNotice,
    IReadOnlyList<CategoryTotal> Totals, IReadOnlyList<ResultView> Results);

/// <summary>
/// What a settlement step answers: the village-year as it now stands, without its member list (a city's year is
/// some 20,000 steps; the list is one GET away). A step about one member's objection carries that member's result.
/// </summary>
public sealed record SettlementStatusView(string VillageCode, int Year, string State, string StateName, bool Stale, DateOnly? NoticeStart, DateOnly? NoticeEnd,
    string? RejectionReason, int OpenObjections, decimal Total, int Recipients, RunView? Run, PaymentNoticeView? PaymentNotice, ResultView? Member);

public static class CalculationApi
{
    public static RouteGroupBuilder MapCalculationApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/calculation").RequireAuthorization().WithTags("补助测算");
        group.MapKnownDivisions();
        group.MapGet("/village-years/{villageCode}/{year:int}", GetVillageYear);
        group.MapSettlementApi();
        group.MapObjectionsApi();
        group.MapReportsApi();
        group.MapAuditApi();
        group.MapTaxBureauApi();
        return group;
    }

    private const string VillageYearSql = """
        SELECT state, run_id, stale, notice_start, notice_end, rejection_reason,
               (SELECT count(*)::int FROM objections o WHERE o.village_code = v.village_code AND o.year = v.year AND o.state = 'open') AS open_objections
        FROM village_years v WHERE village_code = @villageCode AND year = @year
        """;

    private const string ResultsSql = """
        SELECT id_number, name, exclusion, own, tier, special_group, floor, incentive, floor_part, incentive_part, subsidy, adjusted_subsidy,
               coalesce(adjusted_subsidy, subsidy) AS amount, flags, NULL AS explanation
        FROM member_results WHERE run_id = @runId
        ORDER BY id_number
        """;

    private const string PaymentNoticeSql = """
        SELECT number, amount, payer, credit_code, issued_on, due_on, receipt_number, paid_amount, paid_at, credited_on, rejection_reason, rejected_at
        FROM payment_notices WHERE village_code = @villageCode AND year = @year
        """;

    private const string StatusTotalsSql = """
        SELECT coalesce(sum(coalesce(adjusted_subsidy, subsidy)), 0) AS total, count(*) FILTER (WHERE coalesce(adjusted_subsidy, subsidy) > 0)::int AS recipients
        FROM member_results WHERE run_id = @runId
        """;

    private const string MemberSql = """
        SELECT id_number, name, exclusion, own, tier, special_group, floor, incentive, floor_part, incentive_part, subsidy, adjusted_subsidy,
               coalesce(adjusted_subsidy, subsidy) AS amount, flags, NULL AS explanation
        FROM member_results WHERE run_id = @runId AND id_number = @idNumber
        """;

    private sealed record VillageYearRow(string State, Guid? RunId, bool Stale, DateOnly? NoticeStart, DateOnly? NoticeEnd, string? RejectionReason, int OpenObjections);

    /// <summary>A village-year's state, its latest results with their explanations and totals by category; optionally only the members with one reason or flag.</summary>
    public static async Task<Results<Ok<VillageYearView>, ProblemHttpResult>> GetVillageYear(
        string villageCode, int year, string? reason, HttpContext http, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var caller = http.GetCaller();
        if (!caller.Covers(villageCode)) return Problems.OutOfScope(caller, villageCode);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<VillageYearRow>(new CommandDefinition(VillageYearSql, new { villageCode, year }, cancellationToken: cancellationToken));
        if (row is null) return Problems.NotFound($"村 {villageCode} {year} 年度尚无测算。");
        RunView? run = null;
        IReadOnlyList<ResultView> results = [];
        if (row.RunId is { } runId)
        {
            run = await connection.QuerySingleAsync<RunView>(new CommandDefinition(
                "SELECT id, fingerprint, members, eligible, total, duration_ms, created_at FROM calculation_runs WHERE id = @runId", new { runId }, cancellationToken: cancellationToken));
            results = (await connection.QueryAsync<ResultView>(new CommandDefinition(ResultsSql, new { runId }, cancellationToken: cancellationToken)))
                .Select(r => r with { Explanation = ResultTexts.Explain(r.Exclusion, r.Tier, r.SpecialGroup, r.FloorPart, r.IncentivePart, r.Flags, r.AdjustedSubsidy) })
                .ToList();
        }
        var notice = await connection.QuerySingleOrDefaultAsync<PaymentNoticeView>(new CommandDefinition(PaymentNoticeSql, new { villageCode, year }, cancellationToken: cancellationToken));
        var shown = reason is null ? results : results.Where(r => r.Exclusion == reason || r.Flags.Split(", ").Contains(reason)).ToList();
        return TypedResults.Ok(new VillageYearView(villageCode, year, row.State, SettlementStates.ChineseName(row.State), row.Stale, row.NoticeStart, row.NoticeEnd,
            row.RejectionReason, row.OpenObjections, results.Sum(r => r.Amount), run, notice, ResultCategories.Of(results), shown));
    }

    /// <summary>The village-year after a step, with one member's result when the step was about that member.</summary>
    public static async Task<SettlementStatusView> StatusAsync(NpgsqlDataSource dataSource, string villageCode, int year, string? memberIdNumber, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<VillageYearRow>(new CommandDefinition(VillageYearSql, new { villageCode, year }, cancellationToken: cancellationToken));
        RunView? run = null;
        (decimal Total, int Recipients) totals = (0, 0);
        ResultView? member = null;
        if (row.RunId is { } runId)
        {
            run = await connection.QuerySingleAsync<RunView>(new CommandDefinition(
                "SELECT id, fingerprint, members, eligible, total, duration_ms, created_at FROM calculation_runs WHERE id = @runId", new { runId }, cancellationToken: cancellationToken));
            totals = await connection.QuerySingleAsync<(decimal, int)>(new CommandDefinition(StatusTotalsSql, new { runId }, cancellationToken: cancellationToken));
            if (memberIdNumber is not null
                && await connection.QuerySingleOrDefaultAsync<ResultView>(new CommandDefinition(MemberSql, new { runId, idNumber = memberIdNumber }, cancellationToken: cancellationToken)) is { } r)
            {
                member = r with { Explanation = ResultTexts.Explain(r.Exclusion, r.Tier, r.SpecialGroup, r.FloorPart, r.IncentivePart, r.Flags, r.AdjustedSubsidy) };
            }
        }
        var notice = await connection.QuerySingleOrDefaultAsync<PaymentNoticeView>(new CommandDefinition(PaymentNoticeSql, new { villageCode, year }, cancellationToken: cancellationToken));
        return new SettlementStatusView(villageCode, year, row.State, SettlementStates.ChineseName(row.State), row.Stale, row.NoticeStart, row.NoticeEnd,
            row.RejectionReason, row.OpenObjections, totals.Total, totals.Recipients, run, notice, member);
    }
}
