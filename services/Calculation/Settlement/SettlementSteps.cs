using Dapper;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Data;
using Subsidy.ServiceDefaults.Time;

namespace Calculation.Settlement;

/// <summary>What a step's own check and effect can see: the open transaction, the village-year, the business instant and the caller.</summary>
public sealed record StepContext(UnitOfWork Work, string VillageCode, int Year, DateTimeOffset At, Caller Caller, CancellationToken CancellationToken)
{
    /// <summary>The step's business day (DESIGN §2: the date in China Standard Time).</summary>
    public DateOnly Today => BusinessClock.DateOf(At);

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

/// <summary>What a step came to: refused, or taken — then the village-year as it stands after it.</summary>
public sealed record StepResult(StepRefusal? Refusal, VillageYearStanding? Standing)
{
    public static StepResult Refused(StepRefusal refusal) => new(refusal, null);
}

/// <summary>
/// One settlement step in one transaction: the role, scope and state checks of <see cref="SettlementWorkflow"/>,
/// the step's own check and effect, the new state, the audit record, and the event for the document service and
/// tax-bureau integration — all committed together, or nothing.
/// </summary>
public static class SettlementSteps
{
    /// <summary>The step inside a transaction the caller owns (an endpoint's or a consumer's); the caller commits.</summary>
    public static async Task<StepResult> TakeAsync(UnitOfWork work, string villageCode, int year, SettlementAction action, Caller caller,
        DateTimeOffset at, string? reason, Func<StepContext, Task<StepRefusal?>> effect, CancellationToken cancellationToken)
    {
        var current = await work.Connection.QuerySingleOrDefaultAsync<(string State, bool Stale)?>(new CommandDefinition(
            "SELECT state, stale FROM village_years WHERE village_code = @villageCode AND year = @year FOR UPDATE", new { villageCode, year }, work.Transaction, cancellationToken: cancellationToken));
        if (current is null)
        {
            return StepResult.Refused(caller.Covers(villageCode) ? StepRefusal.NotFound($"村 {villageCode} {year} 年度尚无测算。") : new StepRefusal(403, $"区划 {villageCode} 不在您的管辖范围（{caller.Scope}）内。", []));
        }
        if (SettlementWorkflow.WhyNot(action, current.Value.State, current.Value.Stale, caller, villageCode) is { } refusal)
        {
            return StepResult.Refused(new StepRefusal(refusal.StatusCode, refusal.Message, []));
        }
        if (await effect(new StepContext(work, villageCode, year, at, caller, cancellationToken)) is { } why) return StepResult.Refused(why);
        var to = SettlementWorkflow.Rule(action).To ?? current.Value.State;
        return new StepResult(null, await RecordAsync(work, villageCode, year, KebabCase.Of(action), current.Value.State, to, caller, reason, at, cancellationToken, setState: to != current.Value.State));
    }

    private const string SetStateSql = "UPDATE village_years SET state = @to WHERE village_code = @villageCode AND year = @year;";

    /// <summary>
    /// Audits a step (setting the new state first when asked) and publishes it with the village-year as it now stands.
    /// The state, the audit record and the reads behind the event go to the database in one round trip: a city's year
    /// is thousands of steps, and each round trip costs the server about as much as the statements themselves.
    /// </summary>
    public static async Task<VillageYearStanding> RecordAsync(UnitOfWork work, string villageCode, int year, string step, string from, string to, Caller caller, string? reason,
        DateTimeOffset at, CancellationToken cancellationToken, bool setState = false)
    {
        var withLines = SettlementSnapshots.CarriesLines(step);
        var sql = string.Concat(setState ? SetStateSql : "", AuditLog.InsertSql, ";", VillageYearStanding.Sql, ";", withLines ? SettlementSnapshots.LinesSql : "");
        var parameters = new DynamicParameters(new { villageCode, year, to });
        parameters.AddDynamicParams(AuditLog.Parameters(caller, "village-year", $"{villageCode}/{year}", villageCode, step,
            SettlementStates.ChineseName(from), SettlementStates.ChineseName(to), reason, at));
        long sequence;
        VillageYearStanding standing;
        IReadOnlyList<SettlementLine> lines = [];
        await using (var results = await work.Connection.QueryMultipleAsync(new CommandDefinition(sql, parameters, work.Transaction, cancellationToken: cancellationToken)))
        {
            sequence = await results.ReadSingleAsync<long>();
            standing = await results.ReadSingleAsync<VillageYearStanding>();
            if (withLines) lines = (await results.ReadAsync<SettlementSnapshots.Line>()).Select(SettlementSnapshots.ToLine).ToList();
        }
        await work.PublishAsync(new SettlementStepTaken(Guid.CreateVersion7(), villageCode, year, step, from, to, caller.UserId, caller.Role,
            at, reason, standing.ToSnapshot(lines), sequence), cancellationToken);
        return standing;
    }
}
