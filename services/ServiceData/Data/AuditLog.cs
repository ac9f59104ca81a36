using Dapper;
using Subsidy.ServiceDefaults.Auth;

namespace Subsidy.ServiceData;

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
    DateTime At
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

    /// <summary>A division's name from the service's own table; a scope shorter than a division
    /// code (an account's "360222") is the division it begins.</summary>
    private const string DivisionNameSql =
        "(SELECT d.name FROM {0} d WHERE d.code = rpad(a.division_code, 12, '0'))";

    private sealed record Listed(
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
        string? DivisionName
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
        var sql = string.Format(
            System.Globalization.CultureInfo.InvariantCulture,
            ListSql,
            wording.DivisionTable is { } table
                ? string.Format(
                    System.Globalization.CultureInfo.InvariantCulture,
                    DivisionNameSql,
                    table
                )
                : "NULL::text"
        );
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var listed = await connection.QueryAsync<Listed>(
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
        return listed
            .Select(l =>
                wording.Present(
                    new AuditEntry(
                        l.Id,
                        l.Entity,
                        l.EntityKey,
                        l.DivisionCode,
                        l.Action,
                        l.FromState,
                        l.ToState,
                        l.Reason,
                        l.Actor,
                        l.ActorRole,
                        l.At
                    ),
                    l.DivisionName
                )
            )
            .ToList();
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
