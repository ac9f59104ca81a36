using MassTransit;
using RabbitMQ.Client;

namespace Subsidy.ServiceDefaults.Messaging;

/// <summary>
/// The broker as configured in ConnectionStrings:rabbitmq: one node
/// (<c>amqp://user:password@host:port/vhost</c>) or a cluster, every node named in the host part
/// (<c>amqp://user:password@host1:port1,host2:port2,host3:port3/vhost</c>). Whatever talks to the
/// broker (the bus, the queue-depth gauges, the operator's return of a dead letter) reaches any
/// node that answers.
/// </summary>
public sealed record BrokerAddress(Uri Uri, IReadOnlyList<(string Host, int Port)> Nodes)
{
    /// <summary>A cluster: the service's durable queues are quorum queues, replicated on every
    /// node.</summary>
    public bool IsCluster => Nodes.Count > 1;

    public static BrokerAddress Parse(string connectionString)
    {
        var scheme = connectionString.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
            throw new FormatException("消息队列连接配置应为 amqp://用户:密码@主机:端口/ 的形式。");
        var authorityStart = scheme + 3;
        var pathStart = connectionString.IndexOf('/', authorityStart);
        if (pathStart < 0)
            pathStart = connectionString.Length;
        var authority = connectionString[authorityStart..pathStart];
        var at = authority.LastIndexOf('@');
        var userInfo = at >= 0 ? authority[..(at + 1)] : "";
        var hosts = authority[(at + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (hosts.Length == 0)
            throw new FormatException("消息队列连接配置未写主机。");
        var defaultPort = connectionString.StartsWith("amqps", StringComparison.OrdinalIgnoreCase)
            ? 5671
            : 5672;
        var nodes = hosts
            .Select(h =>
            {
                var colon = h.LastIndexOf(':');
                return colon < 0
                    ? (h, defaultPort)
                    : (
                        h[..colon],
                        int.Parse(
                            h[(colon + 1)..],
                            System.Globalization.CultureInfo.InvariantCulture
                        )
                    );
            })
            .ToList();
        var first = new Uri(
            connectionString[..authorityStart] + userInfo + hosts[0] + connectionString[pathStart..]
        );
        return new BrokerAddress(first, nodes);
    }

    /// <summary>The bus's host: the first node, and every node of a cluster to fail over to.</summary>
    public void ConfigureHost(IRabbitMqBusFactoryConfigurator rabbit) => rabbit.Host(Uri, host =>
        {
            if (IsCluster)
                host.UseCluster(cluster =>
                {
                    foreach (var (name, port) in Nodes)
                        cluster.Node($"{name}:{port}");
                });
        });

    /// <summary>A connection of its own to whichever node answers first.</summary>
    public Task<IConnection> ConnectAsync(string clientName, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = Uri, ClientProvidedName = clientName };
        return factory.CreateConnectionAsync(
            Nodes.Select(n => new AmqpTcpEndpoint(n.Host, n.Port)).ToList(),
            cancellationToken
        );
    }
}
