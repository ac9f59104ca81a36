using Dapper;
using Subsidy.ServiceDefaults.Auth;

namespace Subsidy.ServiceDefaults.Data;

public sealed record AuditEntry(long Id, string Entity, string EntityKey, string Action, string? FromState, string? ToState, string? Reason, string Actor, string ActorRole, DateTime At);

/// <summary>Records a change in the same transaction as the change itself.</summary>
public static class AuditLog
{
    private const string InsertSql = """
        INSERT INTO audit_log (entity, entity_key, action, from_state, to_state, reason, actor, actor_role)
        VALUES (@Entity, @EntityKey, @Action, @FromState, @ToState, @Reason, @Actor, @ActorRole)
        """;

    public static Task RecordAsync(this UnitOfWork work, Caller caller, string entity, string entityKey, string action,
        string? fromState, string? toState, string? reason, CancellationToken cancellationToken) =>
        work.Connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            Entity = entity,
            EntityKey = entityKey,
            Action = action,
            FromState = fromState,
            ToState = toState,
            Reason = reason,
            Actor = caller.UserId,
            ActorRole = caller.Role,
        }, work.Transaction, cancellationToken: cancellationToken));
}
