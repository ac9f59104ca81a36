using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Subsidy.Contracts;
using Subsidy.ServiceData.Divisions;
using Subsidy.ServiceData.Messaging;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Messaging;

namespace Subsidy.EndToEndTests;

/// <summary>
/// A starting instance's request for reference data goes out only once its bus is healthy, and
/// again until the registry (or the identity service) answers — on the system's real broker,
/// answered by its real services.
/// </summary>
[Collection(SystemCollection.Name)]
public class StartupRequestTests(SubsidySystem system)
{
    /// <summary>A bus like a service's: the answers' consumers on queues of this instance's own,
    /// not started yet.</summary>
    private async Task<ServiceProvider> InstanceAsync()
    {
        var broker = await system.BrokerConnectionStringAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(
            new ConfigurationBuilder()
                .AddInMemoryCollection(
                    new Dictionary<string, string?> { ["Messaging:StartupAnswerSeconds"] = "1" }
                )
                .Build()
        );
        services.AddSingleton<StartupRequests>();
        services.AddMassTransit(bus =>
        {
            var instance = Guid.NewGuid().ToString("N")[..12];
            bus.AddConsumer<ReferenceDataResyncAnsweredConsumer>()
                .Endpoint(e =>
                {
                    e.Temporary = true;
                    e.InstanceId = instance;
                });
            bus.AddConsumer<AccountRevocationsResyncAnsweredConsumer>()
                .Endpoint(e =>
                {
                    e.Temporary = true;
                    e.InstanceId = instance;
                });
            bus.UsingRabbitMq(
                (context, rabbit) =>
                {
                    rabbit.Host(new Uri(broker));
                    rabbit.UseSubsidyJson();
                    rabbit.ConfigureEndpoints(context);
                }
            );
        });
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task The_request_waits_for_a_healthy_bus_and_the_registry_answers_it()
    {
        await using var provider = await InstanceAsync();
        var bus = provider.GetRequiredService<IBusControl>();
        var requests = provider.GetRequiredService<StartupRequests>();
        BusHealthStatus? healthAtSend = null;

        // Asked before the bus has started, as a hosted service may be: nothing goes out until its
        // queues are bound.
        var sending = requests.SendUntilAnsweredAsync(
            "区划与政策参数",
            bus,
            (id, token) =>
            {
                healthAtSend ??= bus.CheckHealth().Status;
                return bus.Publish(
                    new ReferenceDataResyncRequested(
                        "startup-request-tests",
                        DateTimeOffset.UtcNow,
                        id
                    ),
                    token
                );
            },
            CancellationToken.None
        );
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Null(healthAtSend);
        await bus.StartAsync();
        try
        {
            var sent = await sending.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(BusHealthStatus.Healthy, healthAtSend);
            Assert.True(sent >= 1);
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    [Fact]
    public async Task A_request_that_was_lost_is_sent_again_until_the_answer_arrives()
    {
        await using var provider = await InstanceAsync();
        var bus = provider.GetRequiredService<IBusControl>();
        var requests = provider.GetRequiredService<StartupRequests>();
        await bus.StartAsync();
        try
        {
            var attempts = 0;
            // The first two requests are lost on the way (as one published before the answer's
            // queue existed was).
            var sent = await requests
                .SendUntilAnsweredAsync(
                    "区划与政策参数",
                    bus,
                    (id, token) =>
                        ++attempts <= 2
                            ? Task.CompletedTask
                            : bus.Publish(
                                new ReferenceDataResyncRequested(
                                    "startup-request-tests",
                                    DateTimeOffset.UtcNow,
                                    id
                                ),
                                token
                            ),
                    CancellationToken.None
                )
                .WaitAsync(TimeSpan.FromSeconds(90));

            Assert.Equal(3, sent);
            Assert.Equal(3, attempts);
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    [Fact]
    public async Task The_identity_service_answers_a_request_for_recent_revocations()
    {
        await using var provider = await InstanceAsync();
        var bus = provider.GetRequiredService<IBusControl>();
        var requests = provider.GetRequiredService<StartupRequests>();
        await bus.StartAsync();
        try
        {
            var sent = await requests
                .SendUntilAnsweredAsync(
                    "近期停用账号",
                    bus,
                    (id, token) =>
                        bus.Publish(
                            new AccountRevocationsResyncRequested(DateTimeOffset.UtcNow, id),
                            token
                        ),
                    CancellationToken.None
                )
                .WaitAsync(TimeSpan.FromSeconds(60));

            Assert.True(sent >= 1);
        }
        finally
        {
            await bus.StopAsync();
        }
    }
}
