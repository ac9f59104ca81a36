using System.Diagnostics;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Logging;
using Npgsql;
using Subsidy.ServiceDefaults.Data;
using Subsidy.ServiceDefaults.Telemetry;

namespace Subsidy.ServiceDefaults.Messaging;

/// <summary>
/// Publishes committed outbox rows to RabbitMQ. Rows are claimed with SKIP LOCKED so several instances
/// share the work; a row is marked published only after the broker confirmed it, and carries its own id as
/// MessageId, so a crash between publish and mark leads to a duplicate that consumers' guards discard.
/// </summary>
public sealed partial class OutboxRelay(NpgsqlDataSource dataSource, IBus bus, ILogger<OutboxRelay> logger)
    : NotifiedWorker(dataSource, logger, "outbox", TimeSpan.FromSeconds(5))
{
    private const int BatchSize = 200;
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    /// <summary>
    /// Woken by a commit, the relay lets the next few commits gather before it claims: under a steady stream of
    /// settlement steps, claiming at once took one or two rows per claim, three round trips each; a short wait takes several.
    /// </summary>
    protected override TimeSpan Gathering => TimeSpan.FromMilliseconds(20);

    private const string ClaimSql = """
        SELECT id AS "Id", message_type AS "MessageType", body::text AS "Body", trace_parent AS "TraceParent", trace_state AS "TraceState"
        FROM outbox_messages
        WHERE published_at IS NULL
        ORDER BY id
        LIMIT @BatchSize
        FOR UPDATE SKIP LOCKED
        """;

    private const string MarkPublishedSql = "UPDATE outbox_messages SET published_at = now() WHERE id = ANY(@Ids)";
    private const string MarkFailedSql = "UPDATE outbox_messages SET published_at = now(), failure = @Failure WHERE id = @Id";
    private const string PurgeSql = "DELETE FROM outbox_messages WHERE published_at < now() - @Retention";

    private sealed record OutboxRow(Guid Id, string MessageType, string Body, string? TraceParent, string? TraceState);

    private DateTime _lastPurge = DateTime.MinValue;

    protected override async Task<bool> WorkAsync(NpgsqlConnection session, CancellationToken cancellationToken)
    {
        if (await PublishBatchAsync(cancellationToken) == BatchSize) return true;
        if (DateTime.UtcNow - _lastPurge > TimeSpan.FromHours(1))
        {
            await session.ExecuteAsync(PurgeSql, new { Retention });
            _lastPurge = DateTime.UtcNow;
        }
        return false;
    }

    /// <summary>Publishes one batch of pending rows; returns how many rows it handled.</summary>
    public async Task<int> PublishBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<OutboxRow>(new CommandDefinition(ClaimSql, new { BatchSize }, transaction, cancellationToken: cancellationToken))).AsList();
        if (rows.Count == 0) return 0;

        var published = new List<Guid>(rows.Count);
        var publishing = new List<Task>(rows.Count);
        foreach (var row in rows)
        {
            var type = Type.GetType(row.MessageType, throwOnError: false);
            if (type is null)
            {
                LogUnknownType(logger, row.MessageType, row.Id);
                await connection.ExecuteAsync(new CommandDefinition(MarkFailedSql, new { row.Id, Failure = $"未知消息类型 {row.MessageType}" }, transaction, cancellationToken: cancellationToken));
                continue;
            }
            publishing.Add(PublishAsync(row, type, cancellationToken));
            published.Add(row.Id);
        }
        // The whole batch is in flight at once: awaiting each broker confirm in turn held the relay to one message
        // per broker round trip. If any publish fails, nothing is marked and the batch goes again.
        await Task.WhenAll(publishing);
        await connection.ExecuteAsync(new CommandDefinition(MarkPublishedSql, new { Ids = published.ToArray() }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }

    private async Task PublishAsync(OutboxRow row, Type type, CancellationToken cancellationToken)
    {
        var message = JsonSerializer.Deserialize(row.Body, type, OutboxWriter.Json)!;
        ActivityContext.TryParse(row.TraceParent, row.TraceState, out var parent);
        using var activity = SubsidyTelemetry.ActivitySource.StartActivity("outbox relay", ActivityKind.Internal, parent);
        activity?.SetTag("messaging.message.id", row.Id);
        activity?.SetTag("messaging.message.type", type.Name);
        await bus.Publish(message, type, context => context.MessageId = row.Id, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {Id} has unknown message type {MessageType}")]
    private static partial void LogUnknownType(ILogger logger, string messageType, Guid id);
}
