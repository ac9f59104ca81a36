using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Subsidy.AppHost;

/// <summary>
/// The city's highly available topology on this machine's own binaries (./run.sh --ha,
/// Infrastructure:Topology=ha), each process standing for a machine of its own: a RabbitMQ cluster
/// of three nodes whose durable queues are quorum queues on all three, and a pg_auto_failover
/// formation (a monitor, a primary and its synchronous standby) that promotes the standby when the
/// primary is lost. The services reach every broker node and every PostgreSQL node through one
/// connection string each and write only where writes are accepted. Killed nodes are restarted by
/// the supervisor and rejoin (the old primary as the standby).
/// </summary>
public static class HighAvailability
{
    public const string Topology = "ha";

    public static bool Requested(IConfiguration configuration) =>
        string.Equals(
            configuration["Infrastructure:Topology"],
            Topology,
            StringComparison.OrdinalIgnoreCase
        );

    /// <summary>How many instances of each service run: two in the HA topology.</summary>
    public static int InstancesPerService(IConfiguration configuration) =>
        Requested(configuration) ? 2 : 1;

    public const int BrokerNodes = 3;

    /// <summary>Longer than a failover takes (the monitor's 20 s to call a node unhealthy, then up
    /// to 10 s for the old primary to demote).</summary>
    public static readonly TimeSpan RejoinAfter = TimeSpan.FromSeconds(60);
    public const int DatabaseNodes = 2;

    /// <summary>Broker node <paramref name="index"/> (from 1) of the cluster kept in <paramref
    /// name="dataDirectory"/>, without its host. Names are unique on the machine (Erlang's port
    /// mapper is shared), so two clusters (a test's and a demo's) never meet.</summary>
    public static string BrokerNodeName(string dataDirectory, int index) =>
        "subsidy-"
        + Convert.ToHexStringLower(
            System.Security.Cryptography.MD5.HashData(
                System.Text.Encoding.UTF8.GetBytes(dataDirectory)
            )
        )[..8]
        + $"-{index}";

    internal static Infrastructure AddLocalCluster(
        IDistributedApplicationBuilder builder,
        string dataDirectory,
        string scripts,
        string password
    )
    {
        // Node names are unique on the machine (Erlang's port mapper is shared), so two clusters
        // (a test's and a demo's) never meet.
        var cluster =
            "subsidy-"
            + Convert.ToHexStringLower(
                System.Security.Cryptography.MD5.HashData(
                    System.Text.Encoding.UTF8.GetBytes(dataDirectory)
                )
            )[..8];
        var brokerNames = Enumerable.Range(1, BrokerNodes).Select(i => $"{cluster}-{i}").ToList();
        var brokerPorts = brokerNames.Select(_ => InfrastructureExtensions.FreePort()).ToList();
        var waitTargets = new List<IResourceBuilder<IResource>>();
        var health = builder.Services.AddHealthChecks();
        for (var i = 0; i < BrokerNodes; i++)
        {
            var port = brokerPorts[i];
            var check = $"rabbitmq-{i + 1}-accepts-connections";
            health.AddAsyncCheck(check, ct => InfrastructureExtensions.TcpAnswers(port, ct));
            var node = builder
                .AddExecutable(
                    $"rabbitmq-{i + 1}",
                    "bash",
                    scripts,
                    Path.Combine(scripts, "rabbitmq.sh"),
                    Path.Combine(dataDirectory, "rabbitmq", $"node{i + 1}"),
                    port.ToString(),
                    InfrastructureExtensions.FreePort().ToString(),
                    brokerNames[i],
                    string.Join(",", brokerNames)
                )
                .WithHealthCheck(check)
                .Supervised();
            waitTargets.Add(node);
        }

        var postgresBase = Path.Combine(dataDirectory, "postgres");
        var monitorPort = InfrastructureExtensions.FreePort();
        health.AddAsyncCheck("postgres-monitor-accepts-connections", ct =>
            InfrastructureExtensions.TcpAnswers(monitorPort, ct)
        );
        var monitor = builder
            .AddExecutable(
                "postgres-monitor",
                "bash",
                scripts,
                Path.Combine(scripts, "pg-autofailover.sh"),
                "monitor",
                postgresBase,
                monitorPort.ToString()
            )
            .WithHealthCheck("postgres-monitor-accepts-connections")
            .Supervised();
        var databasePorts = Enumerable
            .Range(1, DatabaseNodes)
            .Select(_ => InfrastructureExtensions.FreePort())
            .ToList();
        IResourceBuilder<ExecutableResource>? previous = null;
        for (var i = 0; i < DatabaseNodes; i++)
        {
            var port = databasePorts[i];
            var check = $"postgres-{i + 1}-accepts-connections";
            health.AddAsyncCheck(check, ct => InfrastructureExtensions.TcpAnswers(port, ct));
            var node = builder
                .AddExecutable(
                    $"postgres-{i + 1}",
                    "bash",
                    scripts,
                    Path.Combine(scripts, "pg-autofailover.sh"),
                    "node",
                    postgresBase,
                    $"node{i + 1}",
                    port.ToString(),
                    monitorPort.ToString(),
                    password
                )
                .WithHealthCheck(check)
                .WaitFor(monitor)
                // A lost database machine comes back after its standby has taken over, as a
                // rebooted machine would, and rejoins as the standby: back within seconds, the
                // old primary was given writes again by the monitor (wait_primary, replication
                // off) until the promotion it had already begun, and those writes were lost with
                // its rewind.
                .Supervised(restartAfter: RejoinAfter);
            // The first node registers alone and becomes the primary; the next one is copied
            // from it as its standby.
            if (previous is not null)
                node.WaitFor(previous);
            previous = node;
            waitTargets.Add(node);
        }

        // Writes go to whichever node accepts them now: during a promotion the new primary is
        // read-only for a moment, so read-write rather than primary.
        var postgresConnection =
            $"Host={string.Join(",", databasePorts.Select(p => $"127.0.0.1:{p}"))};Username=postgres;Password={password};Target Session Attributes=read-write";
        var rabbitConnection =
            $"amqp://guest:guest@{string.Join(",", brokerPorts.Select(p => $"127.0.0.1:{p}"))}/";
        return new Infrastructure(
            $"{InfrastructureExtensions.LocalMode}, {Topology}",
            builder.AddConnectionString("postgres-connection", e =>
                e.AppendLiteral(postgresConnection)
            ),
            builder.AddConnectionString("rabbitmq-connection", e =>
                e.AppendLiteral(rabbitConnection)
            ),
            waitTargets,
            dataDirectory
        );
    }
}
