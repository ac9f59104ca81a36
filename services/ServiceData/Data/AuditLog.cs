using Dapper;
using Subsidy.ServiceDefaults.Auth;

namespace Subsidy.ServiceData;

/// <summary>An audit entry as stored, and the name of its division where the service keeps
/// one.</summary>
public sealed record AuditEntry(
    long Id,
    string Entity,
    string EntityKey,
    string DivisionCode,
    string Action,
    string? FromState,
    string? ToState,
    string? Reason,
    string Actor,
    string ActorRole,
    DateTime At,
    string? DivisionName = null
);

/// <summary>Records a change in the same transaction as the change itself; auditors read it by
/// division.</summary>
public static class AuditLog
{
    private const string ListSql = """
        SELECT a.id, a.entity, a.entity_key, a.division_code, a.action, a.from_state, a.to_state,
            a.reason, a.actor, a.actor_role, a.at, {0} AS division_name
        FROM audit_log a
        WHERE a.division_code LIKE @Prefix || '%'
          AND (@Entity::text IS NULL OR a.entity = @Entity)
          AND (@EntityKey::text IS NULL OR a.entity_key = @EntityKey)
        ORDER BY a.id
        LIMIT @Limit
        """;

    /// <summary>The tables a service keeps its division names in: the registry's own, the other
    /// services' replicas.</summary>
    public static readonly IReadOnlySet<string> DivisionTables = new HashSet<string>
    {
        "divisions",
        "known_divisions",
    };

    // The list's statement for each table, made once: a division's name from the service's own
    // table, where a scope shorter than a division code (an account's "360222") is the division it
    // begins.
    private static readonly Dictionary<string, string> ListSqlByTable = DivisionTables.ToDictionary(
        table => table,
        table =>
            string.Format(
                System.Globalization.CultureInfo.InvariantCulture,
                ListSql,
                $"(SELECT d.name FROM {table} d WHERE d.code = rpad(a.division_code, 12, '0'))"
            )
    );

    private static readonly string ListSqlWithoutNames = string.Format(
        System.Globalization.CultureInfo.InvariantCulture,
        ListSql,
        "NULL::text"
    );

    public static async Task<IReadOnlyList<AuditEntryView>> ListAsync(
        Npgsql.NpgsqlDataSource dataSource,
        AuditWording wording,
        string divisionPrefix,
        string? entity,
        string? entityKey,
        int limit,
        CancellationToken cancellationToken
    )
    {
        var sql = wording.DivisionTable is { } table ? ListSqlByTable[table] : ListSqlWithoutNames;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var entries = await connection.QueryAsync<AuditEntry>(
            new CommandDefinition(
                sql,
                new
                {
                    Prefix = divisionPrefix,
                    Entity = entity,
                    EntityKey = entityKey,
                    Limit = limit,
                },
                cancellationToken: cancellationToken
            )
        );
        return entries.Select(wording.Present).ToList();
    }

    /// <summary>
    /// The audit record's insert, for a step that sends it together with its other statements (<see
    /// cref="Parameters"/>). It answers with the record's id: ids only grow, so they order a
    /// village-year's steps as they were committed.
    /// </summary>
    public const string InsertSql = """
        INSERT INTO audit_log (entity, entity_key, division_code, action, from_state, to_state,
            reason, actor, actor_role, at)
        VALUES (@Entity, @EntityKey, @DivisionCode, @Action, @FromState, @ToState, @Reason, @Actor,
            @ActorRole, coalesce(@At, now()))
        RETURNING id
        """;

    /// <param name="at">When the change happened by the business clock (a settlement step's
    /// instant); the database's now when not given.</param>
    public static object Parameters(
        Caller caller,
        string entity,
        string entityKey,
        string divisionCode,
        string action,
        string? fromState,
        string? toState,
        string? reason,
        DateTimeOffset? at = null
    ) =>
        new
        {
            At = at?.UtcDateTime,
            Entity = entity,
            EntityKey = entityKey,
            DivisionCode = divisionCode,
            Action = action,
            FromState = fromState,
            ToState = toState,
            Reason = reason,
            Actor = caller.UserId,
            ActorRole = caller.Role,
        };

    public static Task RecordAsync(
        this UnitOfWork work,
        Caller caller,
        string entity,
        string entityKey,
        string divisionCode,
        string action,
        string? fromState,
        string? toState,
        string? reason,
        CancellationToken cancellationToken
    ) =>
        work.Connection.ExecuteAsync(
            new CommandDefinition(
                InsertSql,
                Parameters(
                    caller,
                    entity,
                    entityKey,
                    divisionCode,
                    action,
                    fromState,
                    toState,
                    reason
                ),
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
}
