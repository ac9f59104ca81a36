using Dapper;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Auth;

namespace SchemeRegistry.Pilots;

public sealed record Pilot(
    string VillageCode,
    PilotStatus Status,
    decimal LastYearIncome,
    decimal OperatingIncome,
    decimal PlannedSubsidy,
    DateOnly? EffectiveDate,
    string? Reason,
    long Version,
    DateTime ChangedAt,
    string ChangedBy
)
{
    /// <summary>The decisions open to the caller now (<see cref="PilotWorkflow.AllowedSteps"/>);
    /// set on the way out, never stored.</summary>
    public IReadOnlyList<AllowedStep> AllowedSteps { get; init; } = [];

    public Pilot OfferedTo(Caller caller) =>
        this with
        {
            AllowedSteps = PilotWorkflow.AllowedSteps(Status, caller, VillageCode),
        };
}

public sealed class PilotStore(NpgsqlDataSource dataSource)
{
    private const string Columns = """
        village_code, CASE status WHEN 'applied' THEN 1 WHEN 'rejected' THEN 2 WHEN 'active' THEN 3 ELSE 4 END AS status,
        last_year_income, operating_income, planned_subsidy, effective_date, reason, version, changed_at, changed_by
        """;

    private const string FindSql =
        $"SELECT {Columns} FROM pilots WHERE village_code = @VillageCode";
    private const string ListSql =
        $"SELECT {Columns} FROM pilots WHERE village_code LIKE @Prefix || '%' ORDER BY village_code";

    private const string KnownSql =
        "SELECT village_code FROM pilots WHERE village_code = ANY(@VillageCodes)";

    private const string ApplySql = $"""
        INSERT INTO pilots (village_code, status, last_year_income, operating_income,
            planned_subsidy, effective_date, reason, changed_by)
        VALUES (@VillageCode, 'applied', @LastYearIncome, @OperatingIncome, @PlannedSubsidy, NULL,
            NULL, @ChangedBy)
        ON CONFLICT (village_code) DO UPDATE SET
            status = 'applied', last_year_income = excluded.last_year_income, operating_income = excluded.operating_income,
            planned_subsidy = excluded.planned_subsidy, effective_date = NULL, reason = NULL,
            version = pilots.version + 1, changed_at = now(), changed_by = excluded.changed_by
        RETURNING {Columns}
        """;

    private const string DecideSql = $"""
        UPDATE pilots SET status = @Status, effective_date = @EffectiveDate, reason = @Reason,
            version = version + 1, changed_at = now(), changed_by = @ChangedBy
        WHERE village_code = @VillageCode
        RETURNING {Columns}
        """;

    public async Task<Pilot?> FindAsync(string villageCode, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Pilot>(
            new CommandDefinition(
                FindSql,
                new { VillageCode = villageCode },
                cancellationToken: cancellationToken
            )
        );
    }

    public async Task<IReadOnlyList<Pilot>> ListAsync(
        string prefix,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (
            await connection.QueryAsync<Pilot>(
                new CommandDefinition(
                    ListSql,
                    new { Prefix = prefix },
                    cancellationToken: cancellationToken
                )
            )
        ).AsList();
    }

    public static async Task<IReadOnlyList<Pilot>> AllAsync(
        UnitOfWork work,
        CancellationToken cancellationToken
    ) =>
        (
            await work.Connection.QueryAsync<Pilot>(
                new CommandDefinition(
                    $"SELECT {Columns} FROM pilots ORDER BY village_code",
                    transaction: work.Transaction,
                    cancellationToken: cancellationToken
                )
            )
        ).AsList();

    public static PilotStatusChanged ToEvent(Pilot pilot) =>
        new(
            pilot.VillageCode,
            pilot.Status,
            pilot.EffectiveDate ?? DateOnly.FromDateTime(pilot.ChangedAt),
            pilot.Reason,
            pilot.Version
        );

    public static Task<Pilot?> FindForUpdateAsync(
        UnitOfWork work,
        string villageCode,
        CancellationToken cancellationToken
    ) =>
        work.Connection.QuerySingleOrDefaultAsync<Pilot>(
            new CommandDefinition(
                FindSql + " FOR UPDATE",
                new { VillageCode = villageCode },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );

    public static async Task<Pilot> ApplyAsync(
        UnitOfWork work,
        Caller caller,
        Pilot? before,
        string villageCode,
        PilotApplication application,
        DateOnly today,
        CancellationToken cancellationToken
    )
    {
        var saved = await work.Connection.QuerySingleAsync<Pilot>(
            new CommandDefinition(
                ApplySql,
                new
                {
                    VillageCode = villageCode,
                    application.LastYearIncome,
                    application.OperatingIncome,
                    application.PlannedSubsidy,
                    ChangedBy = caller.UserId,
                },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
        await RecordAndAnnounceAsync(
            work,
            caller,
            before,
            saved,
            "apply",
            today,
            cancellationToken
        );
        return saved;
    }

    public static async Task<Pilot> DecideAsync(
        UnitOfWork work,
        Caller caller,
        Pilot before,
        PilotAction action,
        DateOnly? effectiveDate,
        string? reason,
        DateOnly today,
        CancellationToken cancellationToken
    )
    {
        var status = PilotWorkflow.Target(action);
        var saved = await work.Connection.QuerySingleAsync<Pilot>(
            new CommandDefinition(
                DecideSql,
                new
                {
                    before.VillageCode,
                    Status = status.ToString().ToLowerInvariant(),
                    EffectiveDate = effectiveDate,
                    Reason = reason,
                    ChangedBy = caller.UserId,
                },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
        await RecordAndAnnounceAsync(
            work,
            caller,
            before,
            saved,
            action.ToString().ToLowerInvariant(),
            today,
            cancellationToken
        );
        return saved;
    }

    private static async Task RecordAndAnnounceAsync(
        UnitOfWork work,
        Caller caller,
        Pilot? before,
        Pilot after,
        string action,
        DateOnly today,
        CancellationToken cancellationToken
    )
    {
        await work.RecordAsync(
            caller,
            "pilot",
            after.VillageCode,
            after.VillageCode,
            action,
            PilotWorkflow.StatusName(before?.Status),
            PilotWorkflow.StatusName(after.Status),
            after.Reason,
            cancellationToken
        );
        await work.PublishAsync(
            new PilotStatusChanged(
                after.VillageCode,
                after.Status,
                after.EffectiveDate ?? today,
                after.Reason,
                after.Version
            ),
            cancellationToken
        );
    }

    /// <summary>Which of the villages have a pilot at all (applied for, at some time).</summary>
    public async Task<IReadOnlySet<string>> KnownAsync(
        IReadOnlyList<string> villageCodes,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (
            await connection.QueryAsync<string>(
                new CommandDefinition(
                    KnownSql,
                    new { VillageCodes = villageCodes.ToArray() },
                    cancellationToken: cancellationToken
                )
            )
        ).ToHashSet(StringComparer.Ordinal);
    }
}
