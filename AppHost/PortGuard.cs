using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;

namespace Subsidy.AppHost;

/// <summary>
/// A system must never start half-bound: when a port it is told to use (the gateway's, the
/// dashboard's, a fixed database port) is taken — by another system already running here, say — it
/// stops before starting anything and says which port and why, instead of leaving callers to reach
/// the other system.
/// </summary>
public static class PortGuard
{
    public static IReadOnlyList<int> FixedPorts(IConfiguration configuration)
    {
        var ports = new List<int>();
        foreach (
            var key in new[]
            {
                "Gateway:Port",
                "Infrastructure:PostgresPort",
                "Infrastructure:RabbitMqPort",
                "Monitoring:PrometheusPort",
            }
        )
        {
            if (configuration.GetValue<int?>(key) is > 0 and var port)
                ports.Add(port);
        }
        foreach (
            var key in new[]
            {
                "ASPNETCORE_URLS",
                "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL",
                "DOTNET_DASHBOARD_OTLP_ENDPOINT_URL",
            }
        )
        {
            foreach (
                var url in (configuration[key] ?? "").Split(
                    ';',
                    StringSplitOptions.RemoveEmptyEntries
                )
            )
            {
                if (
                    Uri.TryCreate(
                        url.Replace("+", "localhost").Replace("*", "localhost"),
                        UriKind.Absolute,
                        out var uri
                    )
                    && uri.Port > 0
                )
                    ports.Add(uri.Port);
            }
        }
        return ports.Distinct().ToList();
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Exits with code 2 and the reason when any fixed port is taken.</summary>
    public static void EnsureFree(IConfiguration configuration)
    {
        var taken = FixedPorts(configuration).Where(p => !IsFree(p)).ToList();
        if (taken.Count == 0)
            return;
        Console.Error.WriteLine(
            $"无法启动：端口 {string.Join("、", taken)} 已被占用（可能本机已有一套系统在运行）。请先停止它，或用 --Gateway:Port 等设置改用空闲端口。"
        );
        Console.Error.WriteLine(
            $"Cannot start: port(s) {string.Join(", ", taken)} already in use (another system may be running here)."
        );
        Environment.Exit(2);
    }
}
