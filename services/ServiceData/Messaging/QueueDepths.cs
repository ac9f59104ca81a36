using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using RabbitMQ.Client;
using Subsidy.ServiceData.Operations;
using Subsidy.ServiceData.Telemetry;
using Subsidy.ServiceDefaults.Messaging;
using Subsidy.ServiceDefaults.Telemetry;

namespace Subsidy.ServiceData.Messaging;

/// <summary>The queues this service consumes from: one per consumer endpoint, named as it is
/// configured.</summary>
public sealed class ConsumedQueues
{
    private readonly ConcurrentDictionary<string, bool> _names = new();

    public IReadOnlyCollection<string> Names => _names.Keys.Order(StringComparer.Ordinal).ToList();

    public void Add(string queue) => _names.TryAdd(queue, true);

    private readonly ConcurrentDictionary<string, QueueView> _last = new();

    /// <summary>Each queue as last read (every ten seconds), for the operator's page.</summary>
    public IReadOnlyList<QueueView> Last =>
        Names.Select(n => _last.GetValueOrDefault(n) ?? new QueueView(n, 0, 0)).ToList();

    public void Record(QueueView view) => _last[view.Queue] = view;
}

/// <summary>
/// How many messages wait in each of this service's queues (the backlog the broker holds, which the
/// outbox gauge does not see), and how many failed every retry and lie in the queue's error queue
/// (poison messages, docs/architecture.md). Read every ten seconds on a broker connection of its
/// own. A service with a database takes those dead letters into it (<see cref="DeadLetterParking"/>),
/// where the operator's page lists them, and counts the ones still waiting for an operator.
/// </summary>
public sealed partial class QueueDepths(
    ConsumedQueues queues,
    BrokerAddress broker,
    string serviceName,
    NpgsqlDataSource? dataSource,
    ILogger<QueueDepths> logger
) : BackgroundService
{
    public const string ErrorSuffix = DeadLetterParking.ErrorSuffix;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        IConnection? connection = null;
        try
        {
            // The first look comes a period after start, once the bus has declared its queues.
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    connection ??= await broker.ConnectAsync(
                        $"{serviceName}-queue-depths",
                        stoppingToken
                    );
                    await ReadAsync(connection, stoppingToken);
                    BusinessGauges.Set("broker_reachable", "rabbitmq", 1);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    BusinessGauges.Set("broker_reachable", "rabbitmq", 0);
                    // A metrics reader must never stop the service: whatever went wrong, a new
                    // connection next time.
                    LogFailed(logger, e);
                    if (connection is not null)
                        await connection.DisposeAsync();
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally
        {
            if (connection is not null)
                await connection.DisposeAsync();
        }
    }

    private async Task ReadAsync(IConnection connection, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(
            cancellationToken: cancellationToken
        );
        var waiting = dataSource is null
            ? null
            : await DeadLetterStore.WaitingAsync(dataSource, cancellationToken);
        foreach (var queue in queues.Names)
        {
            var backlog = (
                await channel.QueueDeclarePassiveAsync(queue, cancellationToken)
            ).MessageCount;
            BusinessGauges.Set("backlog", queue, backlog);
            // MassTransit declares an error queue on the first message that fails for good; asking
            // the broker for one that is not there yet would close the channel and log an error
            // every ten seconds. So it is declared here as MassTransit declares it (durable, kept,
            // the receive queue's arguments: none in this system).
            var errors = await channel.QueueDeclareAsync(
                queue + ErrorSuffix,
                durable: true,
                exclusive: false,
                autoDelete: false,
                cancellationToken: cancellationToken
            );
            // Those still in the error queue plus those kept and not yet handled: a message
            // taken now was in the first and is not yet in the second.
            var deadLetters = errors.MessageCount + (waiting?.GetValueOrDefault(queue) ?? 0);
            if (dataSource is not null)
                await DeadLetterParking.ParkAsync(channel, dataSource, queue, cancellationToken);
            BusinessGauges.Set("dead_letters", errors.QueueName, deadLetters);
            queues.Record(new QueueView(queue, backlog, deadLetters));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue depths could not be read")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
