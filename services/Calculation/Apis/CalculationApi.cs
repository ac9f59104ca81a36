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
        group.MapVillageYearListApi();
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

    /// <summary>A village-year's state, its latest results with their explanations and totals by category; optionally only the members with one reason or flag.</summary>
    public static async Task<Results<Ok<VillageYearView>, ProblemHttpResult>> GetVillageYear(
        string villageCode, int year, string? reason, HttpContext http, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var caller = http.GetCaller();
        if (!caller.Covers(villageCode)) return Problems.OutOfScope(caller, villageCode);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await VillageYearStanding.ReadAsync(connection, null, villageCode, year, cancellationToken) is not { } standing) return Problems.NotFound($"村 {villageCode} {year} 年度尚无测算。");
        var status = StatusOf(villageCode, year, standing);
        var results = status.Run is null ? [] : await ResultsAsync(connection, null, status.Run.Id, null, cancellationToken);
        var shown = reason is null ? results : results.Where(r => r.Exclusion == reason || r.Flags.Split(", ").Contains(reason)).ToList();
        return TypedResults.Ok(new VillageYearView(villageCode, year, status.State, status.StateName, status.Stale, status.NoticeStart, status.NoticeEnd,
            status.RejectionReason, status.OpenObjections, results.Sum(r => r.Amount), status.Run, status.PaymentNotice, ResultCategories.Of(results), shown));
    }

    /// <summary>The village-year after a step, as the step read it in its own transaction, with one member's result when the step was about that member.</summary>
    public static async Task<SettlementStatusView> StatusAsync(UnitOfWork work, string villageCode, int year, VillageYearStanding standing, string? memberIdNumber, CancellationToken cancellationToken)
    {
        var status = StatusOf(villageCode, year, standing);
        if (memberIdNumber is null || status.Run is null) return status;
        var member = await ResultsAsync(work.Connection, work.Transaction, status.Run.Id, memberIdNumber, cancellationToken);
        return status with { Member = member.FirstOrDefault() };
    }

    public static SettlementStatusView StatusOf(string villageCode, int year, VillageYearStanding s) => new(villageCode, year, s.State, SettlementStates.ChineseName(s.State), s.Stale,
        s.NoticeStart, s.NoticeEnd, s.RejectionReason, s.OpenObjections, s.Amount, s.Recipients,
        s.RunId is { } run ? new RunView(run, s.Fingerprint!, s.Members!.Value, s.Eligible!.Value, s.RunTotal!.Value, s.DurationMs!.Value, s.RunCreatedAt!.Value) : null,
        s.NoticeNumber is { } number
            ? new PaymentNoticeView(number, s.NoticeAmount!.Value, s.NoticePayer!, s.NoticeCreditCode, s.NoticeIssuedOn!.Value, s.NoticeDueOn!.Value, s.NoticeReceiptNumber,
                s.NoticePaidAmount, s.NoticePaidAt, s.NoticeCreditedOn, s.NoticeRejectionReason, s.NoticeRejectedAt)
            : null,
        null);

    /// <summary>A run's results (or one member's), each with its explanation in Chinese.</summary>
    private static async Task<IReadOnlyList<ResultView>> ResultsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid runId, string? idNumber, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<ResultView>(new CommandDefinition(ResultsSql, new { runId, idNumber }, transaction, cancellationToken: cancellationToken)))
            .Select(r => r with { Explanation = ResultTexts.Explain(r.Exclusion, r.Tier, r.SpecialGroup, r.FloorPart, r.IncentivePart, r.Flags, r.AdjustedSubsidy) })
            .ToList();
}
