using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using Subsidy.ServiceData.Telemetry;
using Subsidy.ServiceDefaults.Telemetry;

namespace Subsidy.ServiceData.Messaging;

/// <summary>The queues this service consumes from: one per consumer endpoint, named as it is
/// configured.</summary>
public sealed class ConsumedQueues
{
    private readonly ConcurrentDictionary<string, bool> _names = new();

    public IReadOnlyCollection<string> Names => _names.Keys.Order(StringComparer.Ordinal).ToList();

    public void Add(string queue) => _names.TryAdd(queue, true);
}

/// <summary>
/// How many messages wait in each of this service's queues (the backlog the broker holds, which the
/// outbox gauge does not see), and how many failed every retry and lie in the queue's error queue
/// (poison messages, docs/architecture.md). Read every ten seconds on a broker connection of its
/// own.
/// </summary>
public sealed partial class QueueDepths(
    ConsumedQueues queues,
    string brokerUri,
    string serviceName,
    ILogger<QueueDepths> logger
) : BackgroundService
{
    public const string ErrorSuffix = "_error";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(brokerUri),
            ClientProvidedName = $"{serviceName}-queue-depths",
        };
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        IConnection? connection = null;
        try
        {
            // The first look comes a period after start, once the bus has declared its queues.
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    connection ??= await factory.CreateConnectionAsync(stoppingToken);
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
        foreach (var queue in queues.Names)
        {
            BusinessGauges.Set(
                "backlog",
                queue,
                (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount
            );
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
            BusinessGauges.Set("dead_letters", errors.QueueName, errors.MessageCount);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue depths could not be read")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
