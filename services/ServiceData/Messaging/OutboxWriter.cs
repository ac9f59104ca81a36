using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData.Crypto;

namespace Subsidy.ServiceData.Messaging;

/// <summary>Writes events into the outbox table inside the caller's transaction.</summary>
public static class OutboxWriter
{
    private const string InsertSql = """
        INSERT INTO outbox_messages (id, message_type, body_sealed, trace_parent, trace_state)
        VALUES (@Id, @MessageType, @Body, @TraceParent, @TraceState);
        SELECT pg_notify('outbox', '');
        """;

    /// <summary>Type name without assembly version, so rows written before an upgrade still resolve
    /// after it.</summary>
    public static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    public static Task EnqueueAsync<T>(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        T message,
        CancellationToken cancellationToken
    )
        where T : class
    {
        // The trace context rides along so the relay can continue the caller's trace after commit.
        var activity = Activity.Current;
        var row = new
        {
            Id = Guid.CreateVersion7(),
            MessageType = TypeName(typeof(T)),
            // Events carry members' names and ID numbers: sealed like every stored personal value.
            Body = PersonalData.Current.SealJson(message),
            TraceParent = activity?.Id,
            TraceState = activity?.TraceStateString,
        };
        // pg_notify inside the transaction is delivered only on commit: the relay wakes exactly
        // then.
        return connection.ExecuteAsync(
            new CommandDefinition(InsertSql, row, transaction, cancellationToken: cancellationToken)
        );
    }
}
