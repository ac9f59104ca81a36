using Dapper;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Time;

namespace Calculation.Settlement;

/// <summary>
/// What a step's own check and effect can see: the open transaction, the village-year, the business
/// instant and the caller.
/// </summary>
public sealed record StepContext(
    UnitOfWork Work,
    string VillageCode,
    int Year,
    DateTimeOffset At,
    Caller Caller,
    CancellationToken CancellationToken
)
{
    /// <summary>
    /// The step's business day (docs/design/01-purpose-and-reference-data.md: the date in China
    /// Standard Time).
    /// </summary>
    public DateOnly Today => BusinessClock.DateOf(At);

    public Task<int> ExecuteAsync(string sql, object? parameters = null) =>
        Work.Connection.ExecuteAsync(Command(sql, parameters));

    public Task<T> ScalarAsync<T>(string sql, object? parameters = null) =>
        Work.Connection.ExecuteScalarAsync<T>(Command(sql, parameters))!;

    public Task<T> QuerySingleAsync<T>(string sql, object? parameters = null) =>
        Work.Connection.QuerySingleAsync<T>(Command(sql, parameters));

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? parameters = null) =>
        Work.Connection.QuerySingleOrDefaultAsync<T>(Command(sql, parameters));

    private CommandDefinition Command(string sql, object? parameters) =>
        new(sql, parameters, Work.Transaction, cancellationToken: CancellationToken);
}

/// <summary>What a step came to: refused, or taken — then the village-year as it stands after
/// it.</summary>
public sealed record StepResult(Refusal? Refusal, VillageYearStanding? Standing)
{
    public static StepResult Refused(Refusal refusal) => new(refusal, null);
}

/// <summary>
/// One settlement step in one transaction: the role, scope and state checks of <see
/// cref="SettlementWorkflow"/>, the step's own check and effect, the new state, the audit record,
/// and the event for the document service and tax-bureau integration — all committed together, or
/// nothing.
/// </summary>
public static class SettlementSteps
{
    /// <summary>
    /// The step inside a transaction the caller owns (an endpoint's or a consumer's); the caller
    /// commits.
    /// </summary>
    public static async Task<StepResult> TakeAsync(
        UnitOfWork work,
        string villageCode,
        int year,
        SettlementStep action,
        Caller caller,
        DateTimeOffset at,
        string? reason,
        Func<StepContext, Task<Refusal?>> effect,
        CancellationToken cancellationToken
    )
    {
        var current = await work.Connection.QuerySingleOrDefaultAsync<(string State, bool Stale)?>(
            new CommandDefinition(
                "SELECT state, stale FROM village_years WHERE village_code = @villageCode AND year = @year FOR UPDATE",
                new { villageCode, year },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
        if (current is null)
        {
            return StepResult.Refused(
                caller.Covers(villageCode)
                    ? Refusal.NotFound($"村 {villageCode} {year} 年度尚无测算。")
                    : Refusal.OutOfScope(caller, villageCode)
            );
        }
        var (state, stale) = current.Value;
        if (SettlementWorkflow.WhyNot(action, state, stale, caller, villageCode) is { } refusal)
        {
            return StepResult.Refused(refusal);
        }
        if (
            await effect(new StepContext(work, villageCode, year, at, caller, cancellationToken)) is
            { } why
        )
        {
            return StepResult.Refused(why);
        }
        var to = SettlementWorkflow.Rule(action).To ?? current.Value.State;
        var standing = await RecordAsync(
            work,
            villageCode,
            year,
            action,
            current.Value.State,
            to,
            caller,
            reason,
            at,
            cancellationToken,
            setState: to != current.Value.State
        );
        return new StepResult(null, standing);
    }

    private const string SetStateSql =
        "UPDATE village_years SET state = @to WHERE village_code = @villageCode AND year = @year;";

    /// <summary>
    /// Audits a step (setting the new state first when asked) and publishes it with the
    /// village-year as it now stands. The state, the audit record and the reads behind the event go
    /// to the database in one round trip: a city's year is thousands of steps, and each round trip
    /// costs the server about as much as the statements themselves.
    /// </summary>
    public static async Task<VillageYearStanding> RecordAsync(
        UnitOfWork work,
        string villageCode,
        int year,
        SettlementStep step,
        string from,
        string to,
        Caller caller,
        string? reason,
        DateTimeOffset at,
        CancellationToken cancellationToken,
        bool setState = false
    )
    {
        var withLines = SettlementSnapshots.CarriesLines(step);
        var sql = string.Concat(
            setState ? SetStateSql : "",
            AuditLog.InsertSql,
            ";",
            VillageYearStanding.Sql,
            ";",
            withLines ? SettlementSnapshots.LinesSql : ""
        );
        var parameters = new DynamicParameters(
            new
            {
                villageCode,
                year,
                to,
            }
        );
        parameters.AddDynamicParams(
            AuditLog.Parameters(
                caller,
                "village-year",
                $"{villageCode}/{year}",
                villageCode,
                EnumCodes.Of(step),
                SettlementStateNames.ChineseName(from),
                SettlementStateNames.ChineseName(to),
                reason,
                at
            )
        );
        long sequence;
        VillageYearStanding standing;
        IReadOnlyList<SettlementLine> lines = [];
        var command = new CommandDefinition(
            sql,
            parameters,
            work.Transaction,
            cancellationToken: cancellationToken
        );
        await using (var results = await work.Connection.QueryMultipleAsync(command))
        {
            sequence = await results.ReadSingleAsync<long>();
            standing = await results.ReadSingleAsync<VillageYearStanding>();
            if (withLines)
            {
                // Ordered here: the database holds the ID numbers sealed.
                lines = (await results.ReadAsync<SettlementSnapshots.Line>())
                    .OrderBy(l => l.IdNumber, StringComparer.Ordinal)
                    .Select(SettlementSnapshots.ToLine)
                    .ToList();
            }
        }
        await work.PublishAsync(
            new SettlementStepTaken(
                Guid.CreateVersion7(),
                villageCode,
                year,
                step,
                EnumCodes.Parse<SettlementState>(from),
                EnumCodes.Parse<SettlementState>(to),
                caller.UserId,
                caller.Role,
                at,
                reason,
                standing.ToSnapshot(lines),
                sequence
            ),
            cancellationToken
        );
        return standing;
    }
}
