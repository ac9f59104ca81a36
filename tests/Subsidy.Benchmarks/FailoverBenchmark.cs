using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Subsidy.Tests;

namespace Subsidy.Benchmarks;

/// <summary>
/// ./bench.sh failover: the highly available topology (./run.sh --ha) at rest, then each fault the
/// chaos test makes — the writable PostgreSQL, the broker node leading the most queues, one
/// instance of every service — and for each the seconds from the kill until a write through the
/// gateway is accepted and until the event it raises has reached another service, beside the same
/// two measured calm.
/// </summary>
public static class FailoverBenchmark
{
    public static async Task<int> RunAsync()
    {
        await using var system = await BenchSystem.StartAsync(
            "--Infrastructure:Topology=ha",
            "--Gateway:PermitsPerMinute=1000000",
            "--Gateway:RoleLimits:county-bureau=1000000"
        );
        var app = system.App;
        var faults = new ClusterFaults(
            app,
            system.DataDirectory,
            (await app.GetConnectionStringAsync("postgres-connection"))!
        );

        // At rest: started, then left alone for half a minute.
        await Task.Delay(TimeSpan.FromSeconds(30));
        PrintMemory(app, faults);

        var gateway = app.CreateHttpClient("gateway");
        var token = await gateway.PostAsJsonAsync(
            "/dev/token",
            new { role = "county-bureau", scope = "360222" }
        );
        var county = app.CreateHttpClient("gateway");
        county.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer",
            (await token.Content.ReadFromJsonAsync<JsonObject>())![
                "accessToken"
            ]!.GetValue<string>()
        );

        var next = 800;
        async Task<(double Write, double Flow)> ProbeAsync(Func<Task>? fault)
        {
            var code = $"360222100{next++:000}";
            var clock = Stopwatch.StartNew();
            if (fault is not null)
                await fault();
            while (true)
            {
                try
                {
                    using var created = await county.PostAsJsonAsync(
                        "/api/registry/divisions",
                        new { code, name = $"切换测量{code[^3..]}村" }
                    );
                    if (created.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict)
                        break;
                }
                catch (HttpRequestException) { }
                await Task.Delay(100);
            }
            var write = clock.Elapsed.TotalSeconds;
            while (true)
            {
                try
                {
                    using var known = await county.GetAsync($"/api/imports/divisions/{code}");
                    if (known.IsSuccessStatusCode)
                        break;
                }
                catch (HttpRequestException) { }
                await Task.Delay(100);
            }
            return (write, clock.Elapsed.TotalSeconds);
        }

        var calm = await ProbeAsync(null);
        Console.WriteLine();
        Console.WriteLine(
            "fault                                   write accepted   event delivered   (calm: write, event)"
        );
        void Print(string fault, (double Write, double Flow) measured) =>
            Console.WriteLine(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{fault, -40}{measured.Write, 10:0.0} s   {measured.Flow, 12:0.0} s      ({calm.Write:0.00} s, {calm.Flow:0.00} s)"
                )
            );

        var database = await faults.WritableDatabaseNodeAsync();
        Print(
            $"writable PostgreSQL ({database})",
            await ProbeAsync(() => Task.FromResult(faults.Kill(database)))
        );
        await RecoveredAsync(app, database);

        var broker = await faults.BusiestBrokerNodeAsync();
        Print(
            $"busiest RabbitMQ node ({broker})",
            await ProbeAsync(() => Task.FromResult(faults.Kill(broker)))
        );
        await RecoveredAsync(app, broker);

        IReadOnlyList<string> killed = [];
        Print(
            "one instance of every service",
            await ProbeAsync(() =>
            {
                killed = faults.KillOneInstanceOfEveryService();
                return Task.CompletedTask;
            })
        );
        foreach (var service in killed)
            await RecoveredAsync(app, service);
        Console.WriteLine();
        Console.WriteLine("every killed node and instance came back and is healthy again.");
        return 0;
    }

    private static async Task RecoveredAsync(DistributedApplication app, string resource)
    {
        // The supervisor restarts it (a database node only after the failover); healthy again
        // means rejoined.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await app
            .ResourceNotifications.WaitForResourceHealthyAsync(resource)
            .WaitAsync(TimeSpan.FromMinutes(4));
    }

    private static void PrintMemory(DistributedApplication app, ClusterFaults faults)
    {
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        long engines = 0,
            services = 0,
            launchers = 0;
        var lines = new List<string>();
        // The services and the engines; not the orchestrator's own (dashboard, rebuilders).
        foreach (
            var resource in model.Resources.Where(r =>
                r is ProjectResource
                || r.Annotations.OfType<Subsidy.AppHost.SupervisedAnnotation>().Any()
            )
        )
        {
            IReadOnlyList<int> processes;
            try
            {
                processes = faults.Processes(resource.Name);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                continue;
            }
            if (resource is ProjectResource)
            {
                // The orchestrator starts a project as `dotnet run`, the service its child: the
                // launcher is this machine's way of starting it, not part of a deployment.
                var own = processes.Skip(1).Sum(Pss);
                services += own;
                launchers += Pss(processes[0]);
                lines.Add($"  {resource.Name, -24}{own / 1024.0, 8:0} MiB");
            }
            else
            {
                var all = processes.Sum(Pss);
                engines += all;
                lines.Add($"  {resource.Name, -24}{all / 1024.0, 8:0} MiB");
            }
        }
        Console.WriteLine("memory at rest (proportional set size):");
        foreach (var line in lines.Order())
            Console.WriteLine(line);
        Console.WriteLine(
            string.Create(
                CultureInfo.InvariantCulture,
                $"  engines {engines / 1048576.0:0.00} GiB + services {services / 1048576.0:0.00} GiB = {(engines + services) / 1048576.0:0.00} GiB (target ≤ 4 GiB); the local launchers (dotnet run) add {launchers / 1048576.0:0.00} GiB"
            )
        );
    }

    /// <summary>A process's proportional set size in KiB (shared pages split among their
    /// sharers, so PostgreSQL's shared buffers count once).</summary>
    private static long Pss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            {
                if (line.StartsWith("Pss:", StringComparison.Ordinal))
                    return long.Parse(
                        line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
                        CultureInfo.InvariantCulture
                    );
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }
}
