using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Calculation.Inputs;
using Calculation.Settlement;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Data;
using Subsidy.ServiceDefaults.Divisions;
using Subsidy.ServiceDefaults.Time;

namespace Calculation.Apis;

public sealed record RunView(Guid Id, string Fingerprint, int Members, int Eligible, decimal Total, int DurationMs, DateTime CreatedAt);

public sealed record ResultView(string IdNumber, string Name, string? Exclusion, decimal Own, decimal? Tier, string? SpecialGroup,
    decimal Floor, decimal Incentive, decimal FloorPart, decimal IncentivePart, decimal Subsidy, string Flags);

public sealed record VillageYearView(string VillageCode, int Year, string State, bool Stale, DateOnly? NoticeStart, DateOnly? NoticeEnd, RunView? Run, IReadOnlyList<ResultView> Results);

public static class CalculationApi
{
    public static RouteGroupBuilder MapCalculationApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/calculation").RequireAuthorization().WithTags("补助测算");
        group.MapKnownDivisions();
        group.MapGet("/village-years/{villageCode}/{year:int}", GetVillageYear);
        group.MapPost("/village-years/{villageCode}/{year:int}/confirm", ConfirmVillageYear);
        group.MapPost("/village-years/{villageCode}/{year:int}/notice", PublishNotice);
        group.MapPost("/village-years/{villageCode}/{year:int}/notice/close", CloseNotice);
        return group;
    }

    /// <summary>村确认: the village accepts its latest results; from now on a changed input marks them stale instead of recalculating.</summary>
    public static Task<Results<Ok<VillageYearView>, ProblemHttpResult>> ConfirmVillageYear(
        string villageCode, int year, HttpContext http, NpgsqlDataSource dataSource, BusinessClock clock, CancellationToken cancellationToken) =>
        StepAsync(villageCode, year, SettlementAction.Confirm, http, dataSource, clock, (_, _, _) => Task.FromResult<string?>(null), cancellationToken);

    /// <summary>公示: the notice starts today and runs for the policy year's notice length.</summary>
    public static Task<Results<Ok<VillageYearView>, ProblemHttpResult>> PublishNotice(
        string villageCode, int year, HttpContext http, NpgsqlDataSource dataSource, BusinessClock clock, CancellationToken cancellationToken) =>
        StepAsync(villageCode, year, SettlementAction.PublishNotice, http, dataSource, clock, async (work, today, ct) =>
        {
            var days = (await PolicyYears.EffectiveAsync(work.Connection, work.Transaction, villageCode, year, ct))?.NoticeDays;
            if (days is null) return $"{year} 年度政策参数未知，无法确定公示天数。";
            await work.Connection.ExecuteAsync(new CommandDefinition("UPDATE village_years SET notice_start = @today, notice_end = @end WHERE village_code = @villageCode AND year = @year",
                new { today, end = NoticePeriod.End(today, days.Value), villageCode, year }, work.Transaction, cancellationToken: ct));
            return null;
        }, cancellationToken);

    /// <summary>结束公示: only after the period is over (objections, once filed, must all be resolved too).</summary>
    public static Task<Results<Ok<VillageYearView>, ProblemHttpResult>> CloseNotice(
        string villageCode, int year, HttpContext http, NpgsqlDataSource dataSource, BusinessClock clock, CancellationToken cancellationToken) =>
        StepAsync(villageCode, year, SettlementAction.CloseNotice, http, dataSource, clock, async (work, today, ct) =>
        {
            var end = await work.Connection.ExecuteScalarAsync<DateOnly>(new CommandDefinition("SELECT notice_end FROM village_years WHERE village_code = @villageCode AND year = @year",
                new { villageCode, year }, work.Transaction, cancellationToken: ct));
            return NoticePeriod.WhyStillOpen(end, today, openObjections: 0);
        }, cancellationToken);

    /// <summary>
    /// One settlement step: the role, scope and state checks of <see cref="SettlementWorkflow"/>, the step's own
    /// check and effect, the new state, and the audit record, in one transaction.
    /// </summary>
    private static async Task<Results<Ok<VillageYearView>, ProblemHttpResult>> StepAsync(string villageCode, int year, SettlementAction action,
        HttpContext http, NpgsqlDataSource dataSource, BusinessClock clock, Func<UnitOfWork, DateOnly, CancellationToken, Task<string?>> effect, CancellationToken cancellationToken)
    {
        var caller = http.GetCaller();
        await using (var work = await UnitOfWork.BeginAsync(dataSource, cancellationToken))
        {
            var current = await work.Connection.QuerySingleOrDefaultAsync<(string State, bool Stale)?>(new CommandDefinition(
                "SELECT state, stale FROM village_years WHERE village_code = @villageCode AND year = @year FOR UPDATE", new { villageCode, year }, work.Transaction, cancellationToken: cancellationToken));
            if (current is null) return Problems.NotFound($"村 {villageCode} {year} 年度尚无测算。");
            if (SettlementWorkflow.WhyNot(action, current.Value.State, current.Value.Stale, caller, villageCode) is { } refusal)
            {
                return refusal.StatusCode == 403 ? Problems.Forbidden(refusal.Message) : Problems.Conflict(refusal.Message);
            }
            if (await effect(work, clock.Today, cancellationToken) is { } why) return Problems.Conflict(why);
            var (_, to, _) = SettlementWorkflow.Rule(action);
            await work.Connection.ExecuteAsync(new CommandDefinition("UPDATE village_years SET state = @to WHERE village_code = @villageCode AND year = @year",
                new { to, villageCode, year }, work.Transaction, cancellationToken: cancellationToken));
            await work.RecordAsync(caller, "village-year", $"{villageCode}/{year}", villageCode, Subsidy.ServiceDefaults.KebabCase.Of(action),
                SettlementStates.ChineseName(current.Value.State), SettlementStates.ChineseName(to), null, cancellationToken);
            await work.CommitAsync(cancellationToken);
        }
        return (await GetVillageYear(villageCode, year, null, http, dataSource, cancellationToken)).Result switch
        {
            Ok<VillageYearView> ok => ok,
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException(),
        };
    }

    /// <summary>A village-year's state and its latest results, optionally only the members excluded for one reason.</summary>
    public static async Task<Results<Ok<VillageYearView>, ProblemHttpResult>> GetVillageYear(
        string villageCode, int year, string? reason, HttpContext http, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var caller = http.GetCaller();
        if (!caller.Covers(villageCode)) return Problems.OutOfScope(caller, villageCode);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var state = await connection.QuerySingleOrDefaultAsync<(string State, Guid? RunId, bool Stale, DateOnly? NoticeStart, DateOnly? NoticeEnd)?>(new CommandDefinition(
            "SELECT state, run_id, stale, notice_start, notice_end FROM village_years WHERE village_code = @villageCode AND year = @year", new { villageCode, year }, cancellationToken: cancellationToken));
        if (state is null) return Problems.NotFound($"村 {villageCode} {year} 年度尚无测算。");
        RunView? run = null;
        IReadOnlyList<ResultView> results = [];
        if (state.Value.RunId is { } runId)
        {
            run = await connection.QuerySingleAsync<RunView>(new CommandDefinition(
                "SELECT id, fingerprint, members, eligible, total, duration_ms, created_at FROM calculation_runs WHERE id = @runId", new { runId }, cancellationToken: cancellationToken));
            results = (await connection.QueryAsync<ResultView>(new CommandDefinition("""
                SELECT id_number, name, exclusion, own, tier, special_group, floor, incentive, floor_part, incentive_part, subsidy, flags
                FROM member_results WHERE run_id = @runId AND (@reason::text IS NULL OR exclusion = @reason OR flags LIKE '%' || @reason || '%')
                ORDER BY id_number
                """, new { runId, reason }, cancellationToken: cancellationToken))).AsList();
        }
        return TypedResults.Ok(new VillageYearView(villageCode, year, state.Value.State, state.Value.Stale, state.Value.NoticeStart, state.Value.NoticeEnd, run, results));
    }
}
