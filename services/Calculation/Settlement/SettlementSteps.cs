using Dapper;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Data;

namespace Calculation.Settlement;

/// <summary>What a step's own check and effect can see: the open transaction, the village-year, the business day and the caller.</summary>
public sealed record StepContext(UnitOfWork Work, string VillageCode, int Year, DateOnly Today, Caller Caller, CancellationToken CancellationToken)
{
    public Task<int> ExecuteAsync(string sql, object? parameters = null) =>
        Work.Connection.ExecuteAsync(new CommandDefinition(sql, parameters, Work.Transaction, cancellationToken: CancellationToken));

    public Task<T> ScalarAsync<T>(string sql, object? parameters = null) =>
        Work.Connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, parameters, Work.Transaction, cancellationToken: CancellationToken))!;
}

/// <summary>Why a step was refused: a state conflict (409) or invalid input (400, per field).</summary>
public sealed record StepRefusal(int StatusCode, string? Message, IReadOnlyList<(string Field, string Message)> Errors)
{
    public static StepRefusal Conflict(string message) => new(409, message, []);
    public static StepRefusal NotFound(string message) => new(404, message, []);
    public static StepRefusal? Invalid(IEnumerable<(string Field, string Message)> errors) => errors.ToList() is { Count: > 0 } list ? new(400, null, list) : null;
}

/// <summary>
/// One settlement step in one transaction: the role, scope and state checks of <see cref="SettlementWorkflow"/>,
/// the step's own check and effect, the new state, the audit record, and the event for the document service and
/// tax-bureau integration — all committed together, or nothing.
/// </summary>
public static class SettlementSteps
{
    /// <summary>The step inside a transaction the caller owns (an endpoint's or a consumer's); the caller commits.</summary>
    public static async Task<StepRefusal?> TakeAsync(UnitOfWork work, string villageCode, int year, SettlementAction action, Caller caller,
        DateOnly today, string? reason, Func<StepContext, Task<StepRefusal?>> effect, CancellationToken cancellationToken)
    {
        var current = await work.Connection.QuerySingleOrDefaultAsync<(string State, bool Stale)?>(new CommandDefinition(
            "SELECT state, stale FROM village_years WHERE village_code = @villageCode AND year = @year FOR UPDATE", new { villageCode, year }, work.Transaction, cancellationToken: cancellationToken));
        if (current is null)
        {
            return caller.Covers(villageCode) ? StepRefusal.NotFound($"村 {villageCode} {year} 年度尚无测算。") : new StepRefusal(403, $"区划 {villageCode} 不在您的管辖范围（{caller.Scope}）内。", []);
        }
        if (SettlementWorkflow.WhyNot(action, current.Value.State, current.Value.Stale, caller, villageCode) is { } refusal)
        {
            return new StepRefusal(refusal.StatusCode, refusal.Message, []);
        }
        if (await effect(new StepContext(work, villageCode, year, today, caller, cancellationToken)) is { } why) return why;
        var to = SettlementWorkflow.Rule(action).To ?? current.Value.State;
        if (to != current.Value.State)
        {
            await work.Connection.ExecuteAsync(new CommandDefinition("UPDATE village_years SET state = @to WHERE village_code = @villageCode AND year = @year",
                new { to, villageCode, year }, work.Transaction, cancellationToken: cancellationToken));
        }
        await RecordAsync(work, villageCode, year, KebabCase.Of(action), current.Value.State, to, caller, reason, cancellationToken);
        return null;
    }

    /// <summary>Audits a step and publishes it with the village-year as it now stands.</summary>
    public static async Task RecordAsync(UnitOfWork work, string villageCode, int year, string step, string from, string to, Caller caller, string? reason, CancellationToken cancellationToken)
    {
        await work.RecordAsync(caller, "village-year", $"{villageCode}/{year}", villageCode, step,
            SettlementStates.ChineseName(from), SettlementStates.ChineseName(to), reason, cancellationToken);
        var snapshot = await SettlementSnapshots.ReadAsync(work, villageCode, year, SettlementSnapshots.CarriesLines(step), cancellationToken);
        await work.PublishAsync(new SettlementStepTaken(Guid.CreateVersion7(), villageCode, year, step, from, to, caller.UserId, caller.Role,
            DateTimeOffset.UtcNow, reason, snapshot), cancellationToken);
    }
}
