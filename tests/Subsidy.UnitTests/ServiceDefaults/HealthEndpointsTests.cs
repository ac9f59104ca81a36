using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Subsidy.UnitTests.ServiceDefaults;

public class HealthEndpointsTests
{
    [Fact]
    public async Task A_service_whose_database_is_down_is_alive_but_not_ready()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddDefaultHealthChecks();
        builder
            .Services.AddHealthChecks()
            .AddCheck("database", () => HealthCheckResult.Unhealthy("down"), ["ready"]);
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        var address = app
            .Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };

        Assert.Equal(
            HttpStatusCode.OK,
            (
                await http.GetAsync(Microsoft.Extensions.Hosting.Extensions.LivenessEndpointPath)
            ).StatusCode
        );
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/alive")).StatusCode);
        Assert.Equal(
            HttpStatusCode.ServiceUnavailable,
            (
                await http.GetAsync(Microsoft.Extensions.Hosting.Extensions.ReadinessEndpointPath)
            ).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.ServiceUnavailable,
            (await http.GetAsync("/health")).StatusCode
        );
        await app.StopAsync();
    }
}
