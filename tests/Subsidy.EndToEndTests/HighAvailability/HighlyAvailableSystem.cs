using System.Net;
using Aspire.Hosting;

namespace Subsidy.EndToEndTests.HighAvailability;

/// <summary>
/// The system on the city's highly available topology (./run.sh --ha): three RabbitMQ nodes, a
/// pg_auto_failover formation (monitor, primary, synchronous standby), two instances of every
/// service. Its clients do what an official's browser or a county's import tool does when the
/// system answers "暂不可用": wait as told and send the same request again.
/// </summary>
public sealed class HighlyAvailableSystem : SubsidySystem
{
    protected override IEnumerable<string> MoreArguments =>
        ["--Infrastructure:Topology=ha", "--Monitoring:Prometheus=false"];

    // Nineteen processes start on two cores beside the shared system.
    protected override TimeSpan StartTimeout => TimeSpan.FromMinutes(8);

    protected override HttpClient NewGatewayClient() =>
        new(new SendAgain { InnerHandler = new SocketsHttpHandler() })
        {
            BaseAddress = App.GetEndpoint("gateway", "http"),
            Timeout = TimeSpan.FromMinutes(3),
        };

    private sealed class SendAgain : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request,
            CancellationToken cancellationToken
        )
        {
            // Bodies are buffered so the same bytes can go again.
            if (request.Content is not null)
                await request.Content.LoadIntoBufferAsync(cancellationToken);
            for (var attempt = 1; ; attempt++)
            {
                HttpResponseMessage response;
                try
                {
                    response = await base.SendAsync(request, cancellationToken);
                }
                catch (HttpRequestException) when (attempt < 60)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                    continue;
                }
                if (
                    response.StatusCode
                        is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway)
                    || attempt >= 60
                )
                    return response;
                response.Dispose();
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
    }

    /// <summary>Its machines, to lose on purpose.</summary>
    public async Task<Subsidy.Tests.ClusterFaults> FaultsAsync() =>
        new(App, DataDirectory, await ServerConnectionStringAsync());
}
