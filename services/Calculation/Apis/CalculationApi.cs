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

    private const string ResultsSql = """
        SELECT id_number, name, exclusion, own, tier, special_group, floor, incentive, floor_part, incentive_part, subsidy, adjusted_subsidy,
               coalesce(adjusted_subsidy, subsidy) AS amount, flags, NULL AS explanation
        FROM member_results WHERE run_id = @runId AND (@idNumber::text IS NULL OR id_number = @idNumber)
        ORDER BY id_number
        """;

    /// <summary>A village-year in one round trip: state, latest run, totals and payment notice.</summary>
    private const string StatusSql = """
        SELECT v.state, v.stale, v.notice_start, v.notice_end, v.rejection_reason,
               (SELECT count(*)::int FROM objections o WHERE o.village_code = v.village_code AND o.year = v.year AND o.state = 'open') AS open_objections,
               coalesce(r.amount, 0) AS total, coalesce(r.recipients, 0) AS recipients,
               r.id, r.fingerprint, r.members, r.eligible, r.total, r.duration_ms, r.created_at,
               n.number, n.amount, n.payer, n.credit_code, n.issued_on, n.due_on, n.receipt_number, n.paid_amount, n.paid_at, n.credited_on, n.rejection_reason, n.rejected_at
        FROM village_years v
        LEFT JOIN calculation_runs r ON r.id = v.run_id
        LEFT JOIN payment_notices n ON n.village_code = v.village_code AND n.year = v.year
        WHERE v.village_code = @villageCode AND v.year = @year
        """;

    private sealed record StatusRow(string State, bool Stale, DateOnly? NoticeStart, DateOnly? NoticeEnd, string? RejectionReason, int OpenObjections, decimal Total, int Recipients);

    /// <summary>A village-year's state, its latest results with their explanations and totals by category; optionally only the members with one reason or flag.</summary>
    public static async Task<Results<Ok<VillageYearView>, ProblemHttpResult>> GetVillageYear(
        string villageCode, int year, string? reason, HttpContext http, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var caller = http.GetCaller();
        if (!caller.Covers(villageCode)) return Problems.OutOfScope(caller, villageCode);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await ReadStatusAsync(connection, null, villageCode, year, cancellationToken) is not { } status) return Problems.NotFound($"村 {villageCode} {year} 年度尚无测算。");
        var results = status.Run is null ? [] : await ResultsAsync(connection, null, status.Run.Id, null, cancellationToken);
        var shown = reason is null ? results : results.Where(r => r.Exclusion == reason || r.Flags.Split(", ").Contains(reason)).ToList();
        return TypedResults.Ok(new VillageYearView(villageCode, year, status.State, status.StateName, status.Stale, status.NoticeStart, status.NoticeEnd,
            status.RejectionReason, status.OpenObjections, results.Sum(r => r.Amount), status.Run, status.PaymentNotice, ResultCategories.Of(results), shown));
    }

    /// <summary>The village-year after a step, read in the step's own transaction, with one member's result when the step was about that member.</summary>
    public static async Task<SettlementStatusView> StatusAsync(UnitOfWork work, string villageCode, int year, string? memberIdNumber, CancellationToken cancellationToken)
    {
        var status = (await ReadStatusAsync(work.Connection, work.Transaction, villageCode, year, cancellationToken))!;
        if (memberIdNumber is null || status.Run is null) return status;
        var member = await ResultsAsync(work.Connection, work.Transaction, status.Run.Id, memberIdNumber, cancellationToken);
        return status with { Member = member.FirstOrDefault() };
    }

    private static async Task<SettlementStatusView?> ReadStatusAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string villageCode, int year, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<StatusRow, RunView?, PaymentNoticeView?, SettlementStatusView>(
            new CommandDefinition(StatusSql, new { villageCode, year }, transaction, cancellationToken: cancellationToken),
            (row, run, notice) => new SettlementStatusView(villageCode, year, row.State, SettlementStates.ChineseName(row.State), row.Stale, row.NoticeStart, row.NoticeEnd,
                row.RejectionReason, row.OpenObjections, row.Total, row.Recipients, run, notice, null),
            splitOn: "id,number")).SingleOrDefault();

    /// <summary>A run's results (or one member's), each with its explanation in Chinese.</summary>
    private static async Task<IReadOnlyList<ResultView>> ResultsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid runId, string? idNumber, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<ResultView>(new CommandDefinition(ResultsSql, new { runId, idNumber }, transaction, cancellationToken: cancellationToken)))
            .Select(r => r with { Explanation = ResultTexts.Explain(r.Exclusion, r.Tier, r.SpecialGroup, r.FloorPart, r.IncentivePart, r.Flags, r.AdjustedSubsidy) })
            .ToList();
}
