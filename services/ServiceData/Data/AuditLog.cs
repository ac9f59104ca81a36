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
        SELECT id, entity, entity_key, division_code, action, from_state, to_state, reason, actor,
            actor_role, at
        FROM audit_log
        WHERE division_code LIKE @Prefix || '%'
          AND (@Entity::text IS NULL OR entity = @Entity)
          AND (@EntityKey::text IS NULL OR entity_key = @EntityKey)
        ORDER BY id
        LIMIT @Limit
        """;

    public static async Task<IReadOnlyList<AuditEntry>> ListAsync(
        Npgsql.NpgsqlDataSource dataSource,
        string divisionPrefix,
        string? entity,
        string? entityKey,
        int limit,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (
            await connection.QueryAsync<AuditEntry>(
                new CommandDefinition(
                    ListSql,
                    new
                    {
                        Prefix = divisionPrefix,
                        Entity = entity,
                        EntityKey = entityKey,
                        Limit = limit,
                    },
                    cancellationToken: cancellationToken
                )
            )
        ).AsList();
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
