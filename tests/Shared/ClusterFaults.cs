using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Subsidy.Tests;

/// <summary>
/// Machines of the highly available topology lost on purpose (the chaos test, ./bench.sh
/// failover): which PostgreSQL node takes writes, which broker node leads the most queues, and a
/// kill -9 of a node with everything it started or of one service instance.
/// </summary>
public sealed class ClusterFaults(
    DistributedApplication app,
    string dataDirectory,
    string serverConnectionString
)
{
    private int ExecutablePid(string resource)
    {
        if (!app.ResourceNotifications.TryGetCurrentState(resource, out var state))
            throw new InvalidOperationException($"no resource {resource}");
        return Convert.ToInt32(
            state.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value
        );
    }

    /// <summary>The PostgreSQL node that takes writes now, as a resource name (postgres-1 or
    /// postgres-2).</summary>
    public async Task<string> WritableDatabaseNodeAsync()
    {
        var hosts = new NpgsqlConnectionStringBuilder(serverConnectionString).Host!.Split(',');
        for (var i = 0; i < hosts.Length; i++)
        {
            var single = new NpgsqlConnectionStringBuilder(serverConnectionString)
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

    /// <summary>The first instance of every service that runs twice (its "-2" goes on); answers
    /// which.</summary>
    public IReadOnlyList<string> KillOneInstanceOfEveryService()
    {
        var projects = app
            .Services.GetRequiredService<DistributedApplicationModel>()
            .Resources.OfType<ProjectResource>()
            .Select(r => r.Name)
            .ToHashSet();
        var twice = projects.Where(name => projects.Contains(name + "-2")).ToList();
        foreach (var service in twice)
            KillService(service);
        return twice;
    }

    /// <summary>Every process of a resource and what it started (for its memory).</summary>
    public IReadOnlyList<int> Processes(string resource) => ProcessTree.Of(ExecutablePid(resource));

    /// <summary>rabbitmqctl of the package's own lib folder (the wrapper on the PATH changes HOME
    /// and misses the cluster's cookie) against any node that answers.</summary>
    public async Task<string> RabbitMqCtlAsync(params string[] arguments)
    {
        var failures = new List<string>();
        for (var i = 1; i <= Subsidy.AppHost.HighAvailability.BrokerNodes; i++)
        {
            var start = new ProcessStartInfo(
                "/usr/lib/rabbitmq/bin/rabbitmqctl",
                ["-n", NodeName(i), "-q", .. arguments]
            )
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["HOME"] = Path.Combine(dataDirectory, "rabbitmq");
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

    /// <summary>The broker node that leads the most quorum queues, as a resource name.</summary>
    public async Task<string> BusiestBrokerNodeAsync()
    {
        var leader = (await RabbitMqCtlAsync("list_queues", "name", "leader"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t'))
            .Where(q => q.Length == 2 && q[1].Trim().Length > 0)
            .GroupBy(q => q[1].Trim())
            .OrderByDescending(g => g.Count())
            .First()
            .Key;
        for (var i = 1; i <= Subsidy.AppHost.HighAvailability.BrokerNodes; i++)
        {
            if (NodeName(i) == leader)
                return $"rabbitmq-{i}";
        }
        throw new InvalidOperationException($"no broker resource for {leader}");
    }

    /// <summary>The Erlang name of broker node <paramref name="index"/> (from 1), as the AppHost
    /// names it.</summary>
    public string NodeName(int index) =>
        Subsidy.AppHost.HighAvailability.BrokerNodeName(Path.GetFullPath(dataDirectory), index)
        + "@localhost";
}
