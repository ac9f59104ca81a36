using System.Diagnostics;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Logging;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Crypto;
using Subsidy.ServiceDefaults.Telemetry;

namespace Subsidy.ServiceData.Messaging;

/// <summary>
/// Publishes committed outbox rows to RabbitMQ. Rows are claimed for a lease in a short transaction
/// (SKIP LOCKED, so several instances share the work) and no transaction stays open while the
/// broker confirms; a row is marked published only after the broker confirmed it, and carries its
/// own id as MessageId, so a crash between publish and mark leads to a duplicate (after the lease)
/// that consumers' guards discard.
/// </summary>
public sealed partial class OutboxRelay(
    NpgsqlDataSource dataSource,
    IBus bus,
    ILogger<OutboxRelay> logger
) : NotifiedWorker(dataSource, logger, "outbox", TimeSpan.FromSeconds(5))
{
    private const int BatchSize = 200;
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    /// <summary>
    /// Woken by a commit, the relay lets the next few commits gather before it claims: under a
    /// steady stream of settlement steps, claiming at once took one or two rows per claim, three
    /// round trips each; a short wait takes several.
    /// </summary>
    protected override TimeSpan Gathering => TimeSpan.FromMilliseconds(20);

    /// <summary>Longer than a batch's confirms ever take; a claim that outlives it is taken
    /// again.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private const string ClaimSql = """
        UPDATE outbox_messages o SET claimed_until = now() + @Lease
        FROM (
            SELECT id FROM outbox_messages
            WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
            ORDER BY id
            LIMIT @BatchSize
            FOR UPDATE SKIP LOCKED
        ) c
        WHERE o.id = c.id
        RETURNING o.id AS "Id", o.message_type AS "MessageType", o.body::text AS "Body", o.body_sealed AS "BodySealed", o.trace_parent AS "TraceParent", o.trace_state AS "TraceState"
        """;

    private const string MarkPublishedSql =
        "UPDATE outbox_messages SET published_at = now(), claimed_until = NULL WHERE id = ANY(@Ids)";
    private const string ReleaseSql =
        "UPDATE outbox_messages SET claimed_until = NULL WHERE id = ANY(@Ids) AND published_at IS NULL";
    private const string MarkFailedSql =
        "UPDATE outbox_messages SET published_at = now(), failure = @Failure WHERE id = @Id";
    private const string PurgeSql =
        "DELETE FROM outbox_messages WHERE published_at < now() - @Retention";

    private sealed record OutboxRow(
        Guid Id,
        string MessageType,
        string? Body,
        byte[]? BodySealed,
        string? TraceParent,
        string? TraceState
    )
    {
        /// <summary>Bodies are sealed; one written before that was kept plain until the first
        /// start sealed it.</summary>
        public string Text =>
            BodySealed is not null ? PersonalData.Current.OpenText(BodySealed) : Body ?? "";
    }

    private DateTime _lastPurge = DateTime.MinValue;

    protected override async Task<bool> WorkAsync(
        NpgsqlConnection session,
        CancellationToken cancellationToken
    )
    {
        if (await PublishBatchAsync(cancellationToken) == BatchSize)
            return true;
        if (DateTime.UtcNow - _lastPurge > TimeSpan.FromHours(1))
        {
            await session.ExecuteAsync(
                new CommandDefinition(
                    PurgeSql,
                    new { Retention },
                    cancellationToken: cancellationToken
                )
            );
            _lastPurge = DateTime.UtcNow;
        }
        return false;
    }

    /// <summary>Publishes one batch of pending rows; returns how many rows it handled.</summary>
    public async Task<int> PublishBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        // Autocommitted: the claim holds the rows by its lease, not by locks kept open across the
        // broker's confirms.
        var rows = (
            await connection.QueryAsync<OutboxRow>(
                new CommandDefinition(
                    ClaimSql,
                    new { BatchSize, Lease },
                    cancellationToken: cancellationToken
                )
            )
        )
            .OrderBy(r => r.Id)
            .ToList();
        if (rows.Count == 0)
            return 0;

        var published = new List<Guid>(rows.Count);
        var publishing = new List<Task>(rows.Count);
        foreach (var row in rows)
        {
            var type = Type.GetType(row.MessageType, throwOnError: false);
            if (type is null)
            {
                LogUnknownType(logger, row.MessageType, row.Id);
                await connection.ExecuteAsync(
                    new CommandDefinition(
                        MarkFailedSql,
                        new { row.Id, Failure = $"未知消息类型 {row.MessageType}" },
                        cancellationToken: cancellationToken
                    )
                );
                continue;
            }
            publishing.Add(PublishAsync(row, type, cancellationToken));
            published.Add(row.Id);
        }
        // The whole batch is in flight at once rather than one confirm at a time. If any publish
        // fails, nothing is marked: the claim is released and the batch goes again (those that did
        // reach the broker are duplicates that the consumers' guards discard).
        try
        {
            await Task.WhenAll(publishing);
        }
        catch
        {
            await connection.ExecuteAsync(
                new CommandDefinition(
                    ReleaseSql,
                    new { Ids = published.ToArray() },
                    cancellationToken: CancellationToken.None
                )
            );
            throw;
        }
        await connection.ExecuteAsync(
            new CommandDefinition(
                MarkPublishedSql,
                new { Ids = published.ToArray() },
                cancellationToken: cancellationToken
            )
        );
        return rows.Count;
    }

    private async Task PublishAsync(OutboxRow row, Type type, CancellationToken cancellationToken)
    {
        var message = JsonSerializer.Deserialize(row.Text, type, StoredJson.Options)!;
        ActivityContext.TryParse(row.TraceParent, row.TraceState, out var parent);
        using var activity = SubsidyTelemetry.ActivitySource.StartActivity(
            "outbox relay",
            ActivityKind.Internal,
            parent
        );
        activity?.SetTag("messaging.message.id", row.Id);
        activity?.SetTag("messaging.message.type", type.Name);
        await bus.Publish(message, type, context => context.MessageId = row.Id, cancellationToken);
    }

    [LoggerMessage(
        Level = LogLevel.Error,
        Message = "Outbox row {Id} has unknown message type {MessageType}"
    )]
    private static partial void LogUnknownType(ILogger logger, string messageType, Guid id);
}
