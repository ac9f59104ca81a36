using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;

namespace Subsidy.EndToEndTests;

/// <summary>
/// Two systems on one machine (docs/design/08-access-and-roles.md, issue 17): this run's requests
/// reach only the system it started (its gateway names itself in every answer, and the fixture
/// checks), a system told to use a port another holds stops with the reason instead of starting
/// half-bound, and bodies are bounded per route at the gateway.
/// </summary>
[Collection(SystemCollection.Name)]
public class TwoSystemsTests(SubsidySystem system)
{
    [Fact]
    public async Task Every_answer_names_this_runs_own_system()
    {
        var response = await system.Gateway.GetAsync("/health");
        Assert.Equal([system.InstanceId], response.Headers.GetValues("X-Subsidy-Instance"));
        var refused = await system.Gateway.GetAsync("/api/registry/divisions");
        Assert.Equal([system.InstanceId], refused.Headers.GetValues("X-Subsidy-Instance"));
    }

    [Fact]
    public async Task A_system_told_to_use_a_port_already_taken_stops_at_once_and_says_why()
    {
        using var holder = new TcpListener(IPAddress.Any, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;
        var project = Directory.Exists(Projects.AppHost.ProjectPath)
            ? Projects.AppHost.ProjectPath
            : Path.GetDirectoryName(Projects.AppHost.ProjectPath)!;
        var appHost = Path.Combine(project, "bin", "Debug", "net10.0", "Subsidy.AppHost.dll");
        var start = new ProcessStartInfo(
            "dotnet",
            [
                appHost,
                $"--Gateway:Port={taken}",
                "--Infrastructure:Mode=local",
                $"--Infrastructure:DataDirectory={Path.Combine(Path.GetTempPath(), "subsidy-port-" + Guid.NewGuid().ToString("N")[..8])}",
            ]
        )
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            Environment =
            {
                ["DOTNET_ENVIRONMENT"] = "Development",
                ["ASPNETCORE_URLS"] = $"http://localhost:{FreePort()}",
                ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{FreePort()}",
                ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
            },
        };
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(60))) != exited)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the AppHost went on starting although its gateway port was taken");
        }
        var said = await errors;
        Assert.True(
            process.ExitCode == 2,
            $"exit {process.ExitCode}: {said}{await process.StandardOutput.ReadToEndAsync()}"
        );
        Assert.Contains($"端口 {taken} 已被占用", said);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task A_json_body_larger_than_its_route_allows_is_refused_with_413_and_the_reason()
    {
        var county = await system.GatewayAsAsync("county-bureau", "360222");
        var huge = new StringContent(
            "{\"code\":\"360222100399\",\"name\":\"" + new string('村', 2 << 20) + "\"}",
            Encoding.UTF8,
            "application/json"
        );
        // As curl does for a large body, the client asks before sending it (Expect: 100-continue)
        // and hears the refusal first.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/registry/divisions")
        {
            Content = huge,
        };
        request.Headers.ExpectContinue = true;
        var response = await county.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("超过该接口允许的 1 MB", body);
        // The gateway and the registry are still answering.
        Assert.Equal(
            HttpStatusCode.OK,
            (await county.GetAsync("/api/registry/divisions/360222000000")).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await county.GetAsync("/api/registry/divisions/360222100399")).StatusCode
        );
    }
}
