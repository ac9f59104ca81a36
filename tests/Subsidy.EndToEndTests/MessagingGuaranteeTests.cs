using Dapper;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Messaging;

namespace Subsidy.EndToEndTests;

/// <summary>A message whose every processing leaves a row, so "exactly once" can be
/// counted.</summary>
public sealed record GuaranteePing(Guid PingId, string Batch);

public sealed class GuaranteePingConsumer(NpgsqlDataSource dataSource)
    : IdempotentConsumer<GuaranteePing>(dataSource)
{
    protected override Task HandleAsync(
        GuaranteePing message,
        UnitOfWork work,
        CancellationToken cancellationToken
    ) =>
        work.Connection.ExecuteAsync(
            new CommandDefinition(
                "INSERT INTO ping_effects (ping_id, batch) VALUES (@PingId, @Batch)",
                message,
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
}

/// <summary>
/// The outbox and the idempotent-consumer guard, exercised with the real broker and the real
/// database of the running system, on a database and queue of their own.
/// </summary>
[Collection(SystemCollection.Name)]
public class MessagingGuaranteeTests(SubsidySystem system) : IAsyncLifetime
{
    private const string QueueName = "subsidy-tests-guarantee-ping";
    private NpgsqlDataSource _dataSource = null!;
    private string _brokerUri = null!;

    public async Task InitializeAsync()
    {
        _dataSource = await system.OwnDatabaseAsync("messaging_tests");
        await _dataSource
            .CreateCommand(
                "CREATE TABLE IF NOT EXISTS ping_effects (id bigserial PRIMARY KEY, ping_id uuid NOT NULL, batch text NOT NULL)"
            )
            .ExecuteNonQueryAsync();
        _brokerUri = await system.BrokerConnectionStringAsync();
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    private IBusControl ConsumerBus() =>
        Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(new Uri(_brokerUri));
            rabbit.ReceiveEndpoint(QueueName, endpoint =>
            {
                // One at a time, so the order of arrival is the order of processing.
                endpoint.PrefetchCount = 1;
                endpoint.ConcurrentMessageLimit = 1;
                endpoint.Consumer(() => new GuaranteePingConsumer(_dataSource));
            });
        });

    private IBusControl PublisherBus() =>
        Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(new Uri(_brokerUri));
            Subsidy.ServiceData.Messaging.MessagingExtensions.UseSubsidyJson(rabbit);
        });

    private async Task<int> EffectsAsync(string batch, Guid? pingId = null)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM ping_effects WHERE batch = @batch AND (@pingId::uuid IS NULL OR ping_id = @pingId)",
            new { batch, pingId }
        );
    }

    [Fact]
    public async Task Messages_waiting_for_a_stopped_consumer_are_each_processed_exactly_once_after_it_returns()
    {
        var batch = Guid.NewGuid().ToString("N");
        var consumer = ConsumerBus();
        await consumer.StartAsync(); // declares the queue and its binding
        await consumer.StopAsync();

        var publisher = PublisherBus();
        await publisher.StartAsync();
        var pings = Enumerable
            .Range(0, 20)
            .Select(_ => new GuaranteePing(Guid.NewGuid(), batch))
            .ToList();
        foreach (var ping in pings)
            await publisher.Publish(ping);
        await publisher.StopAsync();
        Assert.Equal(0, await EffectsAsync(batch));

        consumer = ConsumerBus();
        await consumer.StartAsync();
        try
        {
            await Eventually.TrueAsync(
                async () => await EffectsAsync(batch) >= 20,
                "twenty pings to be processed"
            );
            foreach (var ping in pings)
                Assert.Equal(1, await EffectsAsync(batch, ping.PingId));
        }
        finally
        {
            await consumer.StopAsync();
        }
    }

    [Fact]
    public async Task A_message_redelivered_after_its_effect_was_committed_changes_nothing()
    {
        var batch = Guid.NewGuid().ToString("N");
        var consumer = ConsumerBus();
        await consumer.StartAsync();
        var publisher = PublisherBus();
        await publisher.StartAsync();
        try
        {
            var messageId = NewId.NextGuid();
            var ping = new GuaranteePing(Guid.NewGuid(), batch);
            await publisher.Publish(ping, context => context.MessageId = messageId);
            await Eventually.TrueAsync(
                async () => await EffectsAsync(batch) == 1,
                "the first delivery"
            );

            // The broker delivers the same message again (same MessageId), then a sentinel behind
            // it.
            await publisher.Publish(ping, context => context.MessageId = messageId);
            var sentinel = new GuaranteePing(Guid.NewGuid(), batch);
            await publisher.Publish(sentinel);
            await Eventually.TrueAsync(
                async () => await EffectsAsync(batch, sentinel.PingId) == 1,
                "the sentinel behind the redelivery"
            );

            Assert.Equal(1, await EffectsAsync(batch, ping.PingId));
        }
        finally
        {
            await publisher.StopAsync();
            await consumer.StopAsync();
        }
    }

    [Fact]
    public async Task Events_committed_before_a_crash_are_published_after_it_and_a_second_publication_changes_nothing()
    {
        var batch = Guid.NewGuid().ToString("N");
        var ping = new GuaranteePing(Guid.NewGuid(), batch);

        // The business transaction commits its event; the process "dies" before any relay ran.
        await using (var work = await UnitOfWork.BeginAsync(_dataSource, CancellationToken.None))
        {
            await work.PublishAsync(ping, CancellationToken.None);
            await work.CommitAsync(CancellationToken.None);
        }
        var consumer = ConsumerBus();
        await consumer.StartAsync();
        var publisher = PublisherBus();
        await publisher.StartAsync();
        try
        {
            // After the restart the relay finds the committed row and publishes it.
            var relay = new OutboxRelay(_dataSource, publisher, NullLogger<OutboxRelay>.Instance);
            await DrainAsync(relay);
            await Eventually.TrueAsync(
                async () => await EffectsAsync(batch) == 1,
                "the relayed event"
            );

            // A crash between publishing and marking the row leaves it pending: it is published
            // again.
            await using (var connection = await _dataSource.OpenConnectionAsync())
            {
                // Bodies are sealed: the row is found by opening them, as the relay does.
                var ids = (
                    await connection.QueryAsync<(Guid Id, byte[] Body)>(
                        "SELECT id, body_sealed FROM outbox_messages WHERE body_sealed IS NOT NULL"
                    )
                )
                    .Where(row =>
                        System
                            .Text.Json.JsonDocument.Parse(
                                Subsidy.ServiceData.Crypto.PersonalData.Current.Open(row.Body)
                            )
                            .RootElement.TryGetProperty("batch", out var b)
                        && b.GetString() == batch
                    )
                    .Select(row => row.Id)
                    .ToArray();
                var reset = await connection.ExecuteAsync(
                    "UPDATE outbox_messages SET published_at = NULL WHERE id = ANY(@ids)",
                    new { ids }
                );
                Assert.Equal(1, reset);
            }
            await DrainAsync(relay);
            var sentinel = new GuaranteePing(Guid.NewGuid(), batch);
            await publisher.Publish(sentinel);
            await Eventually.TrueAsync(
                async () => await EffectsAsync(batch, sentinel.PingId) == 1,
                "the sentinel"
            );

            Assert.Equal(1, await EffectsAsync(batch, ping.PingId));
        }
        finally
        {
            await publisher.StopAsync();
            await consumer.StopAsync();
        }
    }

    private static async Task DrainAsync(OutboxRelay relay)
    {
        while (await relay.PublishBatchAsync(CancellationToken.None) > 0) { }
    }
}
