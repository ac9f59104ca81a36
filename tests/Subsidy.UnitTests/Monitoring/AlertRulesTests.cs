using System.Diagnostics;

namespace Subsidy.UnitTests.Monitoring;

/// <summary>
/// The operators' alert rules and dashboards as shipped (deploy/prometheus, deploy/grafana):
/// Prometheus's own checker accepts them, every alert the issue names is there and explained in the
/// runbook, every panel's query parses.
/// </summary>
public sealed class AlertRulesTests
{
    private static readonly string Root = RepositoryRoot.Path;
    private static readonly string Rules = Path.Combine(Root, "deploy", "prometheus", "alerts.yml");

    public static readonly TheoryData<string> Alerts = new()
    {
        "SubsidyStageDown",
        "SubsidyDeadLetter",
        "SubsidyOutboxBacklogOld",
        "SubsidyQueueBacklogStuck",
        "SubsidyVillageYearsWaiting",
        "SubsidyImportRejected",
        "SubsidyReplicationLag",
        "SubsidyBrokerDown",
        "SubsidySignInLockoutBurst",
        "SubsidySigningKeyExpiring",
        "SubsidyDiskNearlyFull",
    };

    [Fact]
    public void Promtool_accepts_the_alert_rules() =>
        Assert.Contains("SUCCESS: 11 rules found", Run("promtool", ["check", "rules", Rules]));

    [Theory]
    [MemberData(nameof(Alerts))]
    public void Each_alert_is_defined_and_explained_in_the_runbook_it_points_to(string alert)
    {
        var rules = File.ReadAllText(Rules);
        Assert.Contains($"- alert: {alert}\n", rules);
        Assert.Contains($"runbook: docs/operations/runbook.md#{alert.ToLowerInvariant()}", rules);
        Assert.Contains(
            $"### {alert}\n",
            File.ReadAllText(Path.Combine(Root, "docs", "operations", "runbook.md"))
        );
    }

    [Fact]
    public void Every_dashboard_panels_query_parses_as_prometheus_reads_it()
    {
        var expressions = Dashboards.Expressions(Root).ToList();
        Assert.True(expressions.Count >= 10, $"only {expressions.Count} panel queries");
        // Grafana's variables stand for label values; as a rule Prometheus checks the rest of the
        // query.
        var file = Path.Combine(Path.GetTempPath(), $"subsidy-panels-{Guid.NewGuid():N}.yml");
        File.WriteAllLines(
            file,
            [
                "groups:",
                "  - name: panels",
                "    rules:",
                .. expressions.SelectMany(
                    (e, i) =>
                        new[]
                        {
                            $"      - record: panel_{i}",
                            $"        expr: '{e.Replace("$county", ".*").Replace("'", "''")}'",
                        }
                ),
            ]
        );
        try
        {
            Assert.Contains(
                $"SUCCESS: {expressions.Count} rules found",
                Run("promtool", ["check", "rules", file])
            );
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Metric_names_are_told_from_functions_labels_and_keywords() =>
        Assert.Equal(
            ["http_server_request_duration_seconds_bucket"],
            Dashboards.MetricNames(
                "histogram_quantile(0.95, sum by (job, le) (rate(http_server_request_duration_seconds_bucket{job=\"x\"}[5m])))"
            )
        );

    private static string Run(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(
            process.ExitCode == 0,
            $"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {output.Result}{error.Result}"
        );
        return output.Result + error.Result;
    }
}
