using Subsidy.Contracts;
using Calculation.Settlement;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Data;
using Subsidy.ServiceDefaults.Time;

namespace Calculation.Apis;

public sealed record ObjectionRequest(string? IdNumber, string? Complaint);

public sealed record ResolutionRequest(decimal? Amount, string? Reason);

public sealed record ObjectionView(Guid Id, string IdNumber, string Complaint, string FiledBy, DateOnly FiledOn, string State,
    decimal? AdjustedAmount, string? Resolution, string? ResolvedBy);

/// <summary>异议 during the 公示: filed against one member's result, then upheld with an adjusted amount or dismissed.</summary>
public static class ObjectionsApi
{
    private const string ListSql = """
        SELECT id, id_number, complaint, filed_by, filed_on, state, adjusted_amount, resolution, resolved_by
        FROM objections WHERE village_code = @villageCode AND year = @year ORDER BY filed_at, id
        """;

    public static RouteGroupBuilder MapObjectionsApi(this RouteGroupBuilder group)
    {
        var objections = group.MapGroup("/village-years/{villageCode}/{year:int}/objections");
        objections.MapGet("/", List);
        objections.MapPost("/", File);
        objections.MapPost("/{objectionId:guid}/uphold", Uphold);
        objections.MapPost("/{objectionId:guid}/dismiss", Dismiss);
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<ObjectionView>>, ProblemHttpResult>> List(
        string villageCode, int year, HttpContext http, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var caller = http.GetCaller();
        if (!caller.Covers(villageCode)) return Problems.OutOfScope(caller, villageCode);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ObjectionView>>((await connection.QueryAsync<ObjectionView>(new CommandDefinition(ListSql, new { villageCode, year }, cancellationToken: cancellationToken))).AsList());
    }

    /// <summary>登记异议: during the notice period, against a member listed in the notified results.</summary>
    public static Task<Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>> File(
        string villageCode, int year, ObjectionRequest? body, HttpContext http, NpgsqlDataSource dataSource, BusinessClock clock, CancellationToken cancellationToken) =>
        SettlementApi.StepAsync(villageCode, year, SettlementStep.FileObjection, body?.Complaint?.Trim(), http, dataSource, clock, async step =>
        {
            var idNumber = body?.IdNumber?.Trim().ToUpperInvariant() ?? "";
            var notice = await step.Work.Connection.QuerySingleAsync<(DateOnly Start, DateOnly End, Guid RunId)>(new CommandDefinition(
                "SELECT notice_start, notice_end, run_id FROM village_years WHERE village_code = @villageCode AND year = @year", new { villageCode, year }, step.Work.Transaction, cancellationToken: cancellationToken));
            var listed = await step.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM member_results WHERE run_id = @RunId AND id_number = @idNumber)", new { notice.RunId, idNumber });
            if (Refusal.Invalid(ObjectionRules.WhyCannotFile(step.Today, notice.Start, notice.End, listed, body?.Complaint)) is { } invalid) return invalid;
            await step.ExecuteAsync("""
                INSERT INTO objections (id, village_code, year, run_id, id_number, complaint, filed_by, filed_on, state)
                VALUES (@id, @villageCode, @year, @RunId, @idNumber, @complaint, @by, @Today, 'open')
                """, new { id = Guid.CreateVersion7(), villageCode, year, notice.RunId, idNumber, complaint = body!.Complaint!.Trim(), by = step.Caller.UserId, step.Today });
            return null;
        }, cancellationToken, member: _ => Task.FromResult(body?.IdNumber?.Trim().ToUpperInvariant()));

    /// <summary>采纳: the member's amount becomes the adjusted amount, within the year's cap and the scheme's budget.</summary>
    public static Task<Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>> Uphold(
        string villageCode, int year, Guid objectionId, ResolutionRequest? body, HttpContext http, NpgsqlDataSource dataSource, BusinessClock clock, CancellationToken cancellationToken) =>
        SettlementApi.StepAsync(villageCode, year, SettlementStep.ResolveObjection, body?.Reason?.Trim(), http, dataSource, clock, async step =>
        {
            if (await OpenObjectionAsync(step, objectionId) is { } refusal) return refusal;
            var basis = await step.Work.Connection.QuerySingleAsync<(decimal Cap, decimal Budget, decimal Total, decimal Current, Guid RunId, string IdNumber)>(new CommandDefinition("""
                SELECT r.cap, r.budget, r.amount,
                       (SELECT coalesce(m.adjusted_subsidy, m.subsidy) FROM member_results m WHERE m.run_id = o.run_id AND m.id_number = o.id_number),
                       o.run_id, o.id_number
                FROM objections o JOIN calculation_runs r ON r.id = o.run_id WHERE o.id = @objectionId
                """, new { objectionId }, step.Work.Transaction, cancellationToken: cancellationToken));
            if (Refusal.Invalid(ObjectionRules.WhyCannotUphold(body?.Amount, body?.Reason, basis.Cap, basis.Budget, basis.Total, basis.Current)) is { } invalid) return invalid;
            await step.ExecuteAsync("""
                UPDATE objections SET state = 'upheld', adjusted_amount = @Amount, resolution = @reason, resolved_by = @by, resolved_at = now() WHERE id = @objectionId;
                UPDATE member_results SET adjusted_subsidy = @Amount, objection_id = @objectionId WHERE run_id = @RunId AND id_number = @IdNumber;
                UPDATE calculation_runs r SET (amount, recipients) = (
                    SELECT sum(coalesce(m.adjusted_subsidy, m.subsidy)), count(*) FILTER (WHERE coalesce(m.adjusted_subsidy, m.subsidy) > 0)
                    FROM member_results m WHERE m.run_id = @RunId) WHERE r.id = @RunId;
                """, new { body!.Amount, reason = body.Reason!.Trim(), by = step.Caller.UserId, objectionId, basis.RunId, basis.IdNumber });
            return null;
        }, cancellationToken, member: work => ObjectionMemberAsync(work, objectionId, cancellationToken));

    /// <summary>不予采纳, with the reason.</summary>
    public static Task<Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>> Dismiss(
        string villageCode, int year, Guid objectionId, ResolutionRequest? body, HttpContext http, NpgsqlDataSource dataSource, BusinessClock clock, CancellationToken cancellationToken) =>
        SettlementApi.StepAsync(villageCode, year, SettlementStep.ResolveObjection, body?.Reason?.Trim(), http, dataSource, clock, async step =>
        {
            if (await OpenObjectionAsync(step, objectionId) is { } refusal) return refusal;
            if (Refusal.Invalid(ObjectionRules.WhyCannotDismiss(body?.Reason)) is { } invalid) return invalid;
            await step.ExecuteAsync("UPDATE objections SET state = 'dismissed', resolution = @reason, resolved_by = @by, resolved_at = now() WHERE id = @objectionId",
                new { reason = body!.Reason!.Trim(), by = step.Caller.UserId, objectionId });
            return null;
        }, cancellationToken, member: work => ObjectionMemberAsync(work, objectionId, cancellationToken));

    private static Task<string?> ObjectionMemberAsync(UnitOfWork work, Guid objectionId, CancellationToken cancellationToken) =>
        work.Connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition("SELECT id_number FROM objections WHERE id = @objectionId", new { objectionId }, work.Transaction, cancellationToken: cancellationToken));

    private static async Task<Refusal?> OpenObjectionAsync(StepContext step, Guid objectionId)
    {
        var state = await step.Work.Connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT state FROM objections WHERE id = @objectionId AND village_code = @VillageCode AND year = @Year FOR UPDATE",
            new { objectionId, step.VillageCode, step.Year }, step.Work.Transaction, cancellationToken: step.CancellationToken));
        if (state is null) return Refusal.NotFound($"村 {step.VillageCode} {step.Year} 年度没有编号为 {objectionId} 的异议。");
        return ObjectionRules.WhyNotOpen(state) is { } why ? Refusal.Conflict(why) : null;
    }
}
