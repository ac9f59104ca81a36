using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Crypto;
using Subsidy.ServiceData.Messaging;

namespace Subsidy.EndToEndTests;

/// <summary>A message the tests put through the outbox and the idempotent consumer base.</summary>
public sealed record OutboxProbe(int Number, string Run, Guid Key = default);

/// <summary>
/// The messaging building blocks every service uses — the outbox relay and the idempotent consumer
/// base — on a real PostgreSQL database of their own (the shared server, a database only these
/// tests use, with the shared messaging migrations) and MassTransit's in-memory test harness as the
/// bus.
/// </summary>
[Collection(SystemCollection.Name)]
public class OutboxAndInboxTests(SubsidySystem system) : IAsyncLifetime
{
    private const string Database = "messaging_building_blocks";

    private NpgsqlDataSource _dataSource = null!;
    private readonly string _run = Guid.NewGuid().ToString("N");

    public async Task InitializeAsync()
    {
        // The outbox seals its bodies with the database's data keys, loaded with it.
        _dataSource = await system.OwnDatabaseAsync(Database);
        // The consumer's effect, written in the consumer's transaction; and a clean outbox for each
        // test.
        await using var setUp = await _dataSource.OpenConnectionAsync();
        await setUp.ExecuteAsync(
            """
            CREATE TABLE IF NOT EXISTS probe_effects (key uuid NOT NULL, number int NOT NULL, run text NOT NULL);
            TRUNCATE outbox_messages;
            """
        );
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task A_message_delivered_twice_is_handled_once()
    {
        await using var provider = Harness(bus => bus.AddConsumer<ProbeConsumer>());
        var harness = await StartAsync(provider);
        var deliveries = new Deliveries();
        using var observing = harness.Bus.ConnectConsumeMessageObserver(deliveries);
        var id = NewId.NextGuid();

        // The relay's duplicate after a crash between publish and mark: the same MessageId, once
        // after the other and twice at once.
        await harness.Bus.Publish(new OutboxProbe(1, _run, id), context => context.MessageId = id);
        await deliveries.WaitAsync(id, 1);
        await Task.WhenAll(
            harness.Bus.Publish(new OutboxProbe(1, _run, id), context => context.MessageId = id),
            harness.Bus.Publish(new OutboxProbe(1, _run, id), context => context.MessageId = id)
        );
        await deliveries.WaitAsync(id, 3);

        Assert.Equal(0, deliveries.Faults(id));
        Assert.Equal(1, await EffectsAsync(id));
        Assert.Equal(1, await ProcessedAsync(id));
    }

    [Fact]
    public async Task A_handler_that_throws_leaves_no_record_so_the_redelivery_is_handled()
    {
        await using var provider = Harness(bus => bus.AddConsumer<ProbeConsumer>());
        var harness = await StartAsync(provider);
        var deliveries = new Deliveries();
        using var observing = harness.Bus.ConnectConsumeMessageObserver(deliveries);
        var id = NewId.NextGuid();
        ProbeConsumer.FailOnce(id);

        await harness.Bus.Publish(new OutboxProbe(2, _run, id), context => context.MessageId = id);
        await deliveries.WaitAsync(id, 1);
        Assert.Equal(1, deliveries.Faults(id));
        // The handler wrote its effect before it threw: the effect and the record of the message
        // rolled back together.
        Assert.Equal(0, await EffectsAsync(id));
        Assert.Equal(0, await ProcessedAsync(id));

        await harness.Bus.Publish(new OutboxProbe(2, _run, id), context => context.MessageId = id);
        await deliveries.WaitAsync(id, 2);
        Assert.Equal(1, deliveries.Faults(id));
        Assert.Equal(1, await EffectsAsync(id));
        Assert.Equal(1, await ProcessedAsync(id));
    }

    [Fact]
    public async Task A_failure_the_retry_outlasts_is_handled_exactly_once_with_the_services_own_retry_settings()
    {
        await using var provider = Harness(bus =>
            bus.AddConsumer<ProbeConsumer, IdempotentConsumerDefinition<ProbeConsumer>>()
        );
        var harness = await StartAsync(provider);
        var id = NewId.NextGuid();
        ProbeConsumer.FailOnce(id);

        await harness.Bus.Publish(new OutboxProbe(3, _run, id), context => context.MessageId = id);

        await Eventually.TrueAsync(
            async () => await EffectsAsync(id) == 1,
            "the retried message to be handled"
        );
        Assert.Equal(1, await ProcessedAsync(id));
        Assert.Equal(2, ProbeConsumer.Attempts(id));
    }

    [Fact]
    public async Task The_relay_publishes_stored_messages_oldest_first_with_their_ids_and_marks_them_published()
    {
        await using var provider = Harness();
        var harness = await StartAsync(provider);
        var relay = new OutboxRelay(_dataSource, harness.Bus, NullLogger<OutboxRelay>.Instance);
        // More than one claim holds, each message committed in a transaction of its own, as the
        // services write them.
        const int count = 230;
        for (var number = 0; number < count; number++)
            await EnqueueAsync(new OutboxProbe(number, _run));
        var stored = await StoredAsync();
        Assert.Equal(count, stored.Count);

        var first = await relay.PublishBatchAsync(CancellationToken.None);
        Assert.InRange(first, 1, count - 1);
        // The first claim is the oldest messages (outbox ids are time-ordered): exactly those are
        // marked.
        var afterFirst = await StoredAsync();
        Assert.All(afterFirst.Take(first), row => Assert.NotNull(row.PublishedAt));
        Assert.All(afterFirst.Skip(first), row => Assert.Null(row.PublishedAt));
        while (await relay.PublishBatchAsync(CancellationToken.None) > 0) { }

        Assert.All(await StoredAsync(), row => Assert.NotNull(row.PublishedAt));
        var published = await Eventually.GetAsync(
            async () =>
            {
                await Task.Yield();
                var ours = harness
                    .Published.Select<OutboxProbe>(m => m.Context.Message.Run == _run)
                    .ToList();
                return ours.Count >= count ? ours : null;
            },
            "the relayed messages on the bus"
        );
        Assert.Equal(
            stored.Select(row => row.Id).Order(),
            published.Select(m => m.Context.MessageId!.Value).Order()
        );
        Assert.Equal(
            Enumerable.Range(0, count),
            published.Select(m => m.Context.Message.Number).Order()
        );
        // Each stored message is published once, under its outbox id: a consumer's guard recognises
        // a repeat by it.
        Assert.Equal(count, published.Select(m => m.Context.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task Two_relays_at_once_share_the_outbox_and_publish_each_message_once()
    {
        await using var provider = Harness();
        var harness = await StartAsync(provider);
        var publishes = new Publishes();
        using var observing = harness.Bus.ConnectPublishObserver(publishes);
        const int count = 600;
        for (var number = 0; number < count; number++)
            await EnqueueAsync(new OutboxProbe(number, _run));

        async Task<int> DrainAsync()
        {
            var relay = new OutboxRelay(_dataSource, harness.Bus, NullLogger<OutboxRelay>.Instance);
            var handled = 0;
            for (int batch; (batch = await relay.PublishBatchAsync(CancellationToken.None)) > 0; )
                handled += batch;
            return handled;
        }
        var handled = await Task.WhenAll(DrainAsync(), DrainAsync());

        Assert.Equal(count, handled.Sum());
        Assert.All(await StoredAsync(), row => Assert.NotNull(row.PublishedAt));
        var stored = (await StoredAsync()).Select(row => row.Id).ToHashSet();
        Assert.Equal(count, publishes.Of(_run).Count);
        Assert.Equal(stored, publishes.Of(_run).ToHashSet());
    }

    [Fact]
    public async Task The_relay_leaves_a_message_it_could_not_publish_and_publishes_it_once_the_broker_takes_it()
    {
        var refusing = new RefusingBroker();
        await using var provider = Harness(configurePublish: publish =>
            publish.UseFilter(refusing)
        );
        var harness = await StartAsync(provider);
        var relay = new OutboxRelay(_dataSource, harness.Bus, NullLogger<OutboxRelay>.Instance);
        for (var number = 0; number < 5; number++)
            await EnqueueAsync(new OutboxProbe(number, _run));
        Guid refused;
        await using (var connection = await _dataSource.OpenConnectionAsync())
        {
            // Bodies are sealed: read back here, as the relay reads them.
            refused = (
                await connection.QueryAsync<(Guid Id, byte[] Body)>(
                    "SELECT id, body_sealed FROM outbox_messages"
                )
            )
                .Single(row =>
                    System
                        .Text.Json.JsonDocument.Parse(PersonalData.Current.Open(row.Body))
                        .RootElement.GetProperty("number")
                        .GetInt32() == 2
                )
                .Id;
        }
        refusing.Refuse(2);

        await Assert.ThrowsAnyAsync<Exception>(() =>
            relay.PublishBatchAsync(CancellationToken.None)
        );

        Assert.Null((await StoredAsync()).Single(row => row.Id == refused).PublishedAt);
        Assert.Empty(
            harness.Published.Select<OutboxProbe>(m =>
                m.Context.Message.Run == _run && m.Context.Message.Number == 2
            )
        );

        refusing.Refuse(null);
        while (await relay.PublishBatchAsync(CancellationToken.None) > 0) { }

        Assert.All(await StoredAsync(), row => Assert.NotNull(row.PublishedAt));
        await Eventually.TrueAsync(
            async () =>
            {
                await Task.Yield();
                return harness
                    .Published.Select<OutboxProbe>(m =>
                        m.Context.Message.Run == _run && m.Context.MessageId == refused
                    )
                    .Any();
            },
            "the refused message to go out under its outbox id"
        );
    }

    [Fact]
    public async Task The_relay_sets_aside_a_message_whose_type_no_longer_exists_with_the_reason_and_goes_on()
    {
        await using var provider = Harness();
        var harness = await StartAsync(provider);
        var relay = new OutboxRelay(_dataSource, harness.Bus, NullLogger<OutboxRelay>.Instance);
        var unknown = Guid.CreateVersion7();
        await using (var connection = await _dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(
                "INSERT INTO outbox_messages (id, message_type, body) VALUES (@unknown, 'Subsidy.Gone.Event, Subsidy.Gone', '{}')",
                new { unknown }
            );
        }
        await EnqueueAsync(new OutboxProbe(7, _run));

        while (await relay.PublishBatchAsync(CancellationToken.None) > 0) { }

        Assert.All(await StoredAsync(), row => Assert.NotNull(row.PublishedAt));
        await using var check = await _dataSource.OpenConnectionAsync();
        Assert.Contains(
            "Subsidy.Gone.Event",
            await check.ExecuteScalarAsync<string>(
                "SELECT failure FROM outbox_messages WHERE id = @unknown",
                new { unknown }
            )
        );
        await Eventually.TrueAsync(
            async () =>
            {
                await Task.Yield();
                return harness
                    .Published.Select<OutboxProbe>(m =>
                        m.Context.Message.Run == _run && m.Context.Message.Number == 7
                    )
                    .Any();
            },
            "the next message to go out"
        );
    }

    private ServiceProvider Harness(
        Action<IBusRegistrationConfigurator>? configure = null,
        Action<IPublishPipeConfigurator>? configurePublish = null
    )
    {
        var services = new ServiceCollection();
        services.AddSingleton(_dataSource);
        services.AddMassTransitTestHarness(bus =>
        {
            configure?.Invoke(bus);
            bus.UsingInMemory(
                (context, inMemory) =>
                {
                    if (configurePublish is not null)
                        inMemory.ConfigurePublish(configurePublish);
                    inMemory.ConfigureEndpoints(context);
                }
            );
        });
        return services.BuildServiceProvider(true);
    }

    private static async Task<ITestHarness> StartAsync(IServiceProvider provider)
    {
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        return harness;
    }

    /// <summary>Every publish the bus completed, by MessageId (the harness's own list keeps one
    /// entry per MessageId).</summary>
    private sealed class Publishes : IPublishObserver
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(
            string Run,
            Guid Id
        )> _done = new();

        public IReadOnlyList<Guid> Of(string run) =>
            _done.Where(p => p.Run == run).Select(p => p.Id).ToList();

        public Task PrePublish<T>(PublishContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PostPublish<T>(PublishContext<T> context)
            where T : class
        {
            if (context.Message is OutboxProbe probe)
                _done.Enqueue((probe.Run, context.MessageId!.Value));
            return Task.CompletedTask;
        }

        public Task PublishFault<T>(PublishContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }

    /// <summary>
    /// Every delivery to the consumer, handled or failed, per MessageId (the harness's own list
    /// keeps one entry per MessageId, so it cannot count redeliveries).
    /// </summary>
    private sealed class Deliveries : IConsumeMessageObserver<OutboxProbe>
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<
            Guid,
            (int Done, int Faults)
        > _seen = new();

        public Task PreConsume(ConsumeContext<OutboxProbe> context) => Task.CompletedTask;

        public Task PostConsume(ConsumeContext<OutboxProbe> context)
        {
            _seen.AddOrUpdate(context.MessageId!.Value, (1, 0), (_, s) => (s.Done + 1, s.Faults));
            return Task.CompletedTask;
        }

        public Task ConsumeFault(ConsumeContext<OutboxProbe> context, Exception exception)
        {
            _seen.AddOrUpdate(context.MessageId!.Value, (1, 1), (_, s) =>
                (s.Done + 1, s.Faults + 1)
            );
            return Task.CompletedTask;
        }

        public int Faults(Guid id) => _seen.GetValueOrDefault(id).Faults;

        public Task WaitAsync(Guid id, int deliveries) =>
            Eventually.TrueAsync(
                async () =>
                {
                    await Task.Yield();
                    return _seen.GetValueOrDefault(id).Done >= deliveries;
                },
                $"{deliveries} deliveries of {id}"
            );
    }

    private async Task EnqueueAsync(OutboxProbe message)
    {
        await using var work = await UnitOfWork.BeginAsync(_dataSource, CancellationToken.None);
        await work.PublishAsync(message, CancellationToken.None);
        await work.CommitAsync(CancellationToken.None);
    }

    private sealed record StoredMessage(Guid Id, DateTime? PublishedAt);

    private async Task<List<StoredMessage>> StoredAsync()
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        return (
            await connection.QueryAsync<StoredMessage>(
                "SELECT id AS \"Id\", published_at AS \"PublishedAt\" FROM outbox_messages ORDER BY id"
            )
        ).AsList();
    }

    private async Task<int> EffectsAsync(Guid id)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>(
            "SELECT count(*)::int FROM probe_effects WHERE key = @id",
            new { id }
        );
    }

    private async Task<int> ProcessedAsync(Guid id)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>(
            "SELECT count(*)::int FROM processed_messages WHERE consumer = @consumer AND message_id = @id",
            new { consumer = nameof(ProbeConsumer), id }
        );
    }

    /// <summary>Writes its effect in the base's transaction (keyed by the message's own key, the
    /// tests' MessageId); throws after writing it for a message told to fail once.</summary>
    public sealed class ProbeConsumer(NpgsqlDataSource dataSource)
        : IdempotentConsumer<OutboxProbe>(dataSource)
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<
            Guid,
            int
        > Failing = new();
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<
            Guid,
            int
        > Tries = new();

        public static void FailOnce(Guid key) => Failing[key] = 1;

        public static int Attempts(Guid key) => Tries.GetValueOrDefault(key);

        protected override async Task HandleAsync(
            OutboxProbe message,
            UnitOfWork work,
            CancellationToken cancellationToken
        )
        {
            Tries.AddOrUpdate(message.Key, 1, (_, n) => n + 1);
            await work.Connection.ExecuteAsync(
                new CommandDefinition(
                    "INSERT INTO probe_effects (key, number, run) VALUES (@Key, @Number, @Run)",
                    message,
                    work.Transaction,
                    cancellationToken: cancellationToken
                )
            );
            if (Failing.TryRemove(message.Key, out _))
                throw new InvalidOperationException("the handler failed after writing its effect");
        }
    }

    /// <summary>A broker that refuses one probe message (by number) while told to.</summary>
    private sealed class RefusingBroker : IFilter<PublishContext<OutboxProbe>>
    {
        private int? _refused;

        public void Refuse(int? number) => _refused = number;

        public Task Send(
            PublishContext<OutboxProbe> context,
            IPipe<PublishContext<OutboxProbe>> next
        ) =>
            context.Message.Number == _refused
                ? throw new InvalidOperationException("the broker refused the message")
                : next.Send(context);

        public void Probe(ProbeContext context) => context.CreateFilterScope("refusing-broker");
    }
}
