using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

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

    /// <summary>The node takes writes, or it is a standby streaming the primary's changes.</summary>
    private static async Task<HealthCheckResult> DatabaseNodeServes(
        int port,
        string password,
        CancellationToken cancellationToken
    )
    {
        try
        {
            await using var connection = new NpgsqlConnection(
                $"Host=127.0.0.1;Port={port};Username=postgres;Password={password};Pooling=false;Timeout=3"
            );
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(StandingSql, connection);
            return await command.ExecuteScalarAsync(cancellationToken) is true
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("standby not streaming from the primary");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }

    private const string StandingSql = """
        SELECT NOT pg_is_in_recovery()
            OR EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')
        """;

    internal static Infrastructure AddLocalCluster(
        IDistributedApplicationBuilder builder,
        string dataDirectory,
        string scripts,
        string password
    )
    {
        var health = builder.Services.AddHealthChecks();
        var waitTargets = new List<IResourceBuilder<IResource>>();

        // A machine of the cluster: one of the infrastructure scripts, healthy once its port takes
        // connections, restarted by the supervisor when it dies.
        IResourceBuilder<ExecutableResource> Machine(
            string name,
            int port,
            string script,
            TimeSpan? restartAfter,
            params string[] arguments
        ) =>
            Probed(
                name,
                ct => InfrastructureExtensions.TcpAnswers(port, ct),
                script,
                restartAfter,
                arguments
            );

        IResourceBuilder<ExecutableResource> Probed(
            string name,
            Func<CancellationToken, Task<HealthCheckResult>> probe,
            string script,
            TimeSpan? restartAfter,
            string[] arguments
        )
        {
            var check = $"{name}-accepts-connections";
            health.AddAsyncCheck(check, probe);
            return builder
                .AddExecutable(name, "bash", scripts, [Path.Combine(scripts, script), .. arguments])
                .WithHealthCheck(check)
                .Supervised(restartAfter);
        }

        var brokerNames = Enumerable
            .Range(1, BrokerNodes)
            .Select(i => BrokerNodeName(dataDirectory, i))
            .ToList();
        var brokerPorts = brokerNames.Select(_ => InfrastructureExtensions.FreePort()).ToList();
        for (var i = 0; i < BrokerNodes; i++)
        {
            waitTargets.Add(
                Machine(
                    $"rabbitmq-{i + 1}",
                    brokerPorts[i],
                    "rabbitmq.sh",
                    restartAfter: null,
                    Path.Combine(dataDirectory, "rabbitmq", $"node{i + 1}"),
                    brokerPorts[i].ToString(),
                    InfrastructureExtensions.FreePort().ToString(),
                    brokerNames[i],
                    string.Join(",", brokerNames)
                )
            );
        }

        var postgresBase = Path.Combine(dataDirectory, "postgres");
        var monitorPort = InfrastructureExtensions.FreePort();
        var monitor = Machine(
            "postgres-monitor",
            monitorPort,
            "pg-autofailover.sh",
            restartAfter: null,
            "monitor",
            postgresBase,
            monitorPort.ToString()
        );
        var databasePorts = Enumerable
            .Range(1, DatabaseNodes)
            .Select(_ => InfrastructureExtensions.FreePort())
            .ToList();
        IResourceBuilder<ExecutableResource>? previous = null;
        for (var i = 0; i < DatabaseNodes; i++)
        {
            // A lost database machine comes back after its standby has taken over, as a rebooted
            // machine would, and rejoins as the standby: back within seconds, the old primary was
            // given writes again by the monitor (wait_primary, replication off) until the
            // promotion it had already begun, and those writes were lost with its rewind.
            // Healthy only as a primary or as a standby that streams from it: the topology is not
            // up (nor anything waiting for it) while it could not survive losing the primary — a
            // standby whose first start failed under load once left a formation of one.
            var nodePort = databasePorts[i];
            var node = Probed(
                    $"postgres-{i + 1}",
                    ct => DatabaseNodeServes(nodePort, password, ct),
                    "pg-autofailover.sh",
                    RejoinAfter,
                    [
                        "node",
                        postgresBase,
                        $"node{i + 1}",
                        nodePort.ToString(),
                        monitorPort.ToString(),
                        password,
                    ]
                )
                .WaitFor(monitor);
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
