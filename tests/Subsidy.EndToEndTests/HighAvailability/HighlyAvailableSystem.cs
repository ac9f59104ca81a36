using System.Diagnostics;
using System.Net;
using Aspire.Hosting;
using Dapper;
using Npgsql;

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

    /// <summary>503s answered (and sent again) by this system's clients.</summary>
    public int Unavailable => _unavailable;
    private int _unavailable;

    protected override HttpClient NewGatewayClient() =>
        new(new SendAgain(this) { InnerHandler = new SocketsHttpHandler() })
        {
            BaseAddress = App.GetEndpoint("gateway", "http"),
            Timeout = TimeSpan.FromMinutes(3),
        };

    private sealed class SendAgain(HighlyAvailableSystem system) : DelegatingHandler
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
                Interlocked.Increment(ref system._unavailable);
                response.Dispose();
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
    }

    private int ExecutablePid(string resource)
    {
        Assert.True(App.ResourceNotifications.TryGetCurrentState(resource, out var state));
        return Convert.ToInt32(
            state.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value
        );
    }

    /// <summary>The PostgreSQL node that takes writes now, as a resource name (postgres-1 or
    /// postgres-2).</summary>
    public async Task<string> WritableDatabaseNodeAsync()
    {
        var hosts = new NpgsqlConnectionStringBuilder(
            await ServerConnectionStringAsync()
        ).Host!.Split(',');
        for (var i = 0; i < hosts.Length; i++)
        {
            var single = new NpgsqlConnectionStringBuilder(await ServerConnectionStringAsync())
            {
                Host = hosts[i],
                TargetSessionAttributes = null,
                Pooling = false,
            };
            try
            {
                await using var connection = new NpgsqlConnection(single.ConnectionString);
                await connection.OpenAsync();
                if (!await connection.ExecuteScalarAsync<bool>("SELECT pg_is_in_recovery()"))
                    return $"postgres-{i + 1}";
            }
            catch (NpgsqlException) { }
        }
        throw new InvalidOperationException("no PostgreSQL node takes writes");
    }

    /// <summary>kill -9 of a machine's worth of processes: the resource's process and all it
    /// started.</summary>
    public int Kill(string resource) => ProcessTree.Kill(ExecutablePid(resource));

    /// <summary>The service's own process (its launcher's child), as a crash would take it.</summary>
    public int KillService(string resource)
    {
        var launcher = ExecutablePid(resource);
        var children = File.ReadAllText($"/proc/{launcher}/task/{launcher}/children")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var service = children.Length > 0 ? int.Parse(children[0]) : launcher;
        Process.GetProcessById(service).Kill();
        return service;
    }

    /// <summary>rabbitmqctl of the package's own lib folder (the wrapper on the PATH changes HOME
    /// and misses the cluster's cookie) against any node that answers.</summary>
    public async Task<string> RabbitMqCtlAsync(params string[] arguments)
    {
        var nodes = Enumerable.Range(1, 3).Select(NodeName);
        var failures = new List<string>();
        foreach (var node in nodes)
        {
            var start = new ProcessStartInfo(
                "/usr/lib/rabbitmq/bin/rabbitmqctl",
                ["-n", node, "-q", .. arguments]
            )
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["HOME"] = Path.Combine(DataDirectory, "rabbitmq");
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            if (process.ExitCode == 0)
                return await output;
            failures.Add(await error);
        }
        throw new InvalidOperationException(string.Join("\n", failures));
    }

    /// <summary>The Erlang name of broker node <paramref name="index"/> (from 1), as the AppHost
    /// names it.</summary>
    public string NodeName(int index) =>
        Subsidy.AppHost.HighAvailability.BrokerNodeName(Path.GetFullPath(DataDirectory), index)
        + "@localhost";
}
