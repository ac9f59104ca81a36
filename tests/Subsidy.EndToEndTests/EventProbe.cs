using System.Collections.Concurrent;
using MassTransit;

namespace Subsidy.EndToEndTests;

/// <summary>Listens on RabbitMQ, on a queue of its own, for the events the services
/// publish.</summary>
public sealed class EventProbe : IAsyncDisposable
{
    private readonly ConcurrentQueue<object> _received = new();
    private readonly IBusControl _bus;

    private EventProbe(string brokerUri, string queue, Type[] eventTypes)
    {
        _bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(new Uri(brokerUri));
            Subsidy.ServiceData.Messaging.MessagingExtensions.UseSubsidyJson(rabbit);
            rabbit.ReceiveEndpoint(queue, endpoint =>
            {
                endpoint.AutoDelete = true;
                endpoint.Durable = false;
                foreach (var type in eventTypes)
                {
                    typeof(EventProbe)
                        .GetMethod(
                            nameof(Listen),
                            System.Reflection.BindingFlags.NonPublic
                                | System.Reflection.BindingFlags.Instance
                        )!
                        .MakeGenericMethod(type)
                        .Invoke(this, [endpoint]);
                }
            });
        });
    }

    private void Listen<T>(IRabbitMqReceiveEndpointConfigurator endpoint)
        where T : class =>
        endpoint.Handler<T>(context =>
        {
            _received.Enqueue(context.Message);
            return Task.CompletedTask;
        });

    public static async Task<EventProbe> StartAsync(SubsidySystem system, params Type[] eventTypes)
    {
        var probe = new EventProbe(
            await system.BrokerConnectionStringAsync(),
            "subsidy-tests-probe-" + Guid.NewGuid().ToString("N")[..8],
            eventTypes
        );
        await probe._bus.StartAsync();
        return probe;
    }

    public Task<T> WaitForAsync<T>(Func<T, bool> match, string what)
        where T : class =>
        Eventually.GetAsync(
            () => Task.FromResult(_received.OfType<T>().FirstOrDefault(match)),
            what,
            TimeSpan.FromSeconds(30)
        );

    public IEnumerable<T> Received<T>() => _received.OfType<T>();

    public async ValueTask DisposeAsync() => await _bus.StopAsync();
}
