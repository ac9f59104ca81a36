using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Subsidy.AppHost;

/// <summary>
/// Prometheus (this machine's, from Debian's package) scraping every instance's /metrics and
/// evaluating the repository's alert rules (deploy/prometheus/alerts.yml; what each means and what
/// to do: docs/operations/runbook.md). On by default where the system runs for real (Production) on
/// its own PostgreSQL and RabbitMQ; a deployment on a city's Kubernetes brings its own monitoring.
/// Monitoring:Prometheus turns it on or off, Monitoring:PrometheusPort (9090) and
/// Monitoring:ScrapeSeconds (15) set where it listens and how often it looks.
/// </summary>
public static class Monitoring
{
    public const int DefaultPort = 9090;

    public static bool Enabled(
        IDistributedApplicationBuilder builder,
        Infrastructure infrastructure
    ) =>
        infrastructure is { Mode: InfrastructureExtensions.LocalMode, DataDirectory: not null }
        && builder.Configuration.GetValue(
            "Monitoring:Prometheus",
            builder.Environment.IsProduction()
        );

    /// <summary>Starts Prometheus with a configuration naming each target: (job, port) on this
    /// machine.</summary>
    public static IResourceBuilder<ExecutableResource> AddPrometheus(
        this IDistributedApplicationBuilder builder,
        Infrastructure infrastructure,
        IEnumerable<(string Job, int Port)> targets
    )
    {
        var port = builder.Configuration.GetValue<int?>("Monitoring:PrometheusPort")
            is > 0
                and var configured
            ? configured
            : DefaultPort;
        var seconds = Math.Max(1, builder.Configuration.GetValue("Monitoring:ScrapeSeconds", 15));
        var folder = Path.Combine(infrastructure.DataDirectory!, "prometheus");
        Directory.CreateDirectory(folder);
        var rules = Path.GetFullPath(
            Path.Combine(builder.AppHostDirectory, "..", "deploy", "prometheus", "alerts.yml")
        );
        var config = Path.Combine(folder, "prometheus.yml");
        File.WriteAllText(config, Configuration(seconds, rules, targets));
        return builder
            .AddExecutable(
                "prometheus",
                "prometheus",
                folder,
                $"--config.file={config}",
                $"--storage.tsdb.path={Path.Combine(folder, "data")}",
                $"--web.listen-address=127.0.0.1:{port}",
                "--storage.tsdb.retention.time=30d"
            )
            .WithHttpEndpoint(port: port, targetPort: port, isProxied: false)
            .WithHttpHealthCheck("/-/ready");
    }

    /// <summary>prometheus.yml: one job per process, named as the alert rules and dashboards name
    /// them.</summary>
    public static string Configuration(
        int seconds,
        string rulesFile,
        IEnumerable<(string Job, int Port)> targets
    )
    {
        var text = new StringBuilder();
        text.AppendLine(
            "# Written by the AppHost at each start: the processes' ports change from start to start."
        );
        text.AppendLine("global:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  scrape_interval: {seconds}s");
        text.AppendLine(CultureInfo.InvariantCulture, $"  evaluation_interval: {seconds}s");
        text.AppendLine("rule_files:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  - '{rulesFile}'");
        text.AppendLine("scrape_configs:");
        foreach (var group in targets.GroupBy(t => t.Job))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  - job_name: '{group.Key}'");
            text.AppendLine("    static_configs:");
            text.AppendLine(
                CultureInfo.InvariantCulture,
                $"      - targets: [{string.Join(", ", group.Select(t => $"'127.0.0.1:{t.Port}'"))}]"
            );
        }
        return text.ToString();
    }
}
