using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Subsidy.Contracts;
using Subsidy.Tests;
using static Subsidy.EndToEndTests.SettlementDriver;

namespace Subsidy.EndToEndTests;

/// <summary>
/// The operators' monitoring on the running system (docs/operations/runbook.md): the Prometheus the
/// AppHost starts scrapes every process, a poisoned message fires the dead-letter alert for real,
/// and every dashboard panel reads metrics the services really export.
/// </summary>
[Collection(SystemCollection.Name)]
public class MonitoringTests(SubsidySystem system)
{
    private static readonly string[] Jobs =
    [
        "gateway",
        "portal",
        "identity",
        "scheme-registry",
        "contribution-import",
        "calculation",
        "document",
    ];
    private readonly SettlementDriver _driver = new(system);

    private HttpClient Prometheus() =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{system.PrometheusPort}/") };

    [Fact]
    public async Task Prometheus_scrapes_every_process_of_the_system()
    {
        using var prometheus = Prometheus();
        var up = await Eventually.GetAsync(
            async () =>
            {
                var result = (
                    await prometheus.GetFromJsonAsync<JsonObject>("api/v1/query?query=up")
                )!["data"]!["result"]!.AsArray();
                var jobs = result
                    .Where(r => r!["value"]![1]!.GetValue<string>() == "1")
                    .Select(r => r!["metric"]!["job"]!.GetValue<string>())
                    .ToHashSet();
                return jobs.IsSupersetOf(Jobs) ? jobs : null;
            },
            "every process to be up in Prometheus",
            TimeSpan.FromSeconds(60)
        );
        Assert.Superset(Jobs.ToHashSet(), up);
    }

    [Fact]
    public async Task A_message_that_fails_every_retry_fires_the_dead_letter_alert()
    {
        await PoisonMessages.PublishConfirmationOfUnknownVillageAsync(system, "3602221003XX");

        using var prometheus = Prometheus();
        // Four retries (0.2 + 1 + 3 + 10 s), the gauge read every 10 s, scraped and evaluated every
        // 2 s.
        var alert = await Eventually.GetAsync(
            async () =>
                (await prometheus.GetFromJsonAsync<JsonObject>("api/v1/alerts"))!["data"]![
                    "alerts"
                ]!
                    .AsArray()
                    .FirstOrDefault(a =>
                        a!["labels"]!["alertname"]!.GetValue<string>() == "SubsidyDeadLetter"
                        && a["labels"]!["job"]!.GetValue<string>() == "document"
                        && a["state"]!.GetValue<string>() == "firing"
                    ),
            "the dead-letter alert to fire",
            TimeSpan.FromSeconds(90)
        );
        Assert.Equal(
            "document-settlement-documents_error",
            alert!["labels"]!["queue"]!.GetValue<string>()
        );
        Assert.Contains(
            "docs/operations/runbook.md#subsidydeadletter",
            alert["annotations"]!["runbook"]!.GetValue<string>()
        );
    }

    [Fact]
    public async Task Every_dashboard_panel_reads_metrics_the_services_export()
    {
        // Credited money and imported rows appear once something has been credited and imported:
        // one village-year is.
        const string village = "360222106231";
        var simulator = system.App.CreateHttpClient("tax-bureau-simulator");
        Assert.Equal(
            HttpStatusCode.NoContent,
            (
                await simulator.PostAsJsonAsync(
                    $"/simulator/instructions/{village}",
                    new { mode = "Pay", delaySeconds = 0.5 }
                )
            ).StatusCode
        );
        await _driver.PaymentNoticeIssuedAsync(village, "看板村", 731001);
        await _driver.StateAsync(village, "paid");
        await StepAsync(await _driver.Centre(), village, "credit", HttpStatusCode.OK);

        var wanted = Dashboards
            .Expressions(RepositoryRoot.Path)
            .SelectMany(Dashboards.MetricNames)
            .ToHashSet();
        using var prometheus = Prometheus();
        // The business gauges are read every 10 s and scraped every 2 s.
        List<string> missing;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            var known = (
                await prometheus.GetFromJsonAsync<JsonObject>("api/v1/label/__name__/values")
            )!["data"]!
                .AsArray()
                .Select(n => n!.GetValue<string>())
                .ToHashSet();
            missing = wanted.Except(known).Order().ToList();
            if (missing.Count > 0)
                await Task.Delay(1000);
        } while (missing.Count > 0 && DateTime.UtcNow < deadline);
        Assert.Empty(missing);
        Assert.Contains("subsidy_county_credited_fen", wanted);
    }

    [Fact]
    public async Task PostgreSQLs_ordinary_log_lines_are_not_shown_as_failures()
    {
        var log = System.IO.Path.Combine(system.LogDirectory, "postgres.log");
        var lines = await Eventually.GetAsync(
            async () =>
            {
                var read = File.Exists(log) ? await File.ReadAllLinesAsync(log) : [];
                return read.Any(l =>
                    l.Contains(
                        "database system is ready to accept connections",
                        StringComparison.Ordinal
                    )
                )
                    ? read
                    : null;
            },
            "PostgreSQL's start to be logged",
            TimeSpan.FromSeconds(20)
        );

        Assert.DoesNotContain(lines, l =>
            l.StartsWith(SubsidySystem.StderrMark, StringComparison.Ordinal)
            && l.Contains(" LOG: ", StringComparison.Ordinal)
        );
        Assert.Contains(lines, l =>
            !l.StartsWith(SubsidySystem.StderrMark, StringComparison.Ordinal)
            && l.Contains(" LOG: ", StringComparison.Ordinal)
        );
    }
}
