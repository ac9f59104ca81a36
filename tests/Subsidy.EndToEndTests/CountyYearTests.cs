using System.Net.Http.Json;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Subsidy.Demo;

namespace Subsidy.EndToEndTests;

/// <summary>The main job, small: a county-year of six villages driven through the gateway by the demo, to credited.</summary>
[Collection(SystemCollection.Name)]
public class CountyYearTests(SubsidySystem system)
{
    private static readonly string[] MeasuredServices = ["calculation", "document", "contribution-import"];

    /// <summary>The year is run once for the tests of this class, with each service's metrics read just before it.</summary>
    private sealed record Run(DemoOptions Options, DemoResult Result, IReadOnlyDictionary<string, ScrapedMetrics> Before);

    private static Task<Run>? _run;
    private static readonly Lock Gate = new();

    private Task<Run> YearAsync()
    {
        lock (Gate) return _run ??= RunAsync(system);
    }

    private static async Task<Run> RunAsync(SubsidySystem system)
    {
        var before = new Dictionary<string, ScrapedMetrics>();
        foreach (var service in MeasuredServices) before[service] = await ScrapedMetrics.ReadAsync(system, service);
        var today = BusinessDay.Today;
        var options = new DemoOptions(["201", "202"], 3, 260, 1500, today.Year, today, Parallel: 2);
        var result = await new DemoYear(system.Gateway.BaseAddress!, options, TextWriter.Null).RunAsync();
        return new Run(options, result, before);
    }

    [Fact]
    public async Task A_small_county_year_runs_through_the_gateway_to_credited_with_its_documents_and_totals()
    {
        var (options, result, _) = await YearAsync();

        var observer = await system.GatewayAsAsync("auditor", "36");
        var years = new Dictionary<string, JsonObject>();
        foreach (var village in result.Villages)
        {
            years[village] = (await observer.GetFromJsonAsync<JsonObject>($"/api/calculation/village-years/{village}/{options.Year}"))!;
        }
        Assert.Equal("suspended", years[result.SuspendedVillage]["state"]!.GetValue<string>());
        var settled = years.Where(y => y.Key != result.SuspendedVillage).ToList();
        Assert.All(settled, y => Assert.Contains(y.Value["state"]!.GetValue<string>(), new[] { "credited", "approved" }));
        var credited = settled.Where(y => y.Value["state"]!.GetValue<string>() == "credited").ToList();
        Assert.True(credited.Count >= 4, $"{credited.Count} villages credited");

        // Totals: what the county credited is what those villages' results add up to.
        var creditedTotal = credited.Sum(y => y.Value["total"]!.GetValue<decimal>());
        Assert.True(creditedTotal > 0);
        var summaries = await Task.WhenAll(new[] { "360222201000", "360222202000" }.Select(async t => (await observer.GetFromJsonAsync<JsonObject>($"/api/calculation/summaries/{t}/{options.Year}"))!));
        var ours = summaries.SelectMany(s => s["children"]!.AsArray()).Where(c => result.Villages.Contains(c!["code"]!.GetValue<string>())).ToList();
        Assert.Equal(creditedTotal, ours.Sum(c => c!["creditedAmount"]!.GetValue<decimal>()));
        Assert.All(credited, y => Assert.Equal(y.Value["total"]!.GetValue<decimal>(), y.Value["paymentNotice"]!["paidAmount"]!.GetValue<decimal>()));

        // The shapes the demo promises: a tight budget prorated, a member of two rosters held, one objection dismissed.
        var budget = years[result.BudgetVillage];
        Assert.True(budget["total"]!.GetValue<decimal>() <= 3000m);
        Assert.Contains(budget["totals"]!.AsArray(), t => t!["code"]!.GetValue<string>() == "BUDGET_PRORATED");
        // Listed by two villages: held in the one where they pay (in the other they have no contribution at all).
        Assert.Contains(years[result.DuplicateVillages[0]]["results"]!.AsArray(), r => r!["exclusion"]?.GetValue<string>() == "DUPLICATE_MEMBERSHIP");
        var objections = (await observer.GetFromJsonAsync<JsonArray>($"/api/calculation/village-years/{result.ObjectionVillage}/{options.Year}/objections"))!;
        Assert.Equal("dismissed", Assert.Single(objections)!["state"]!.GetValue<string>());

        // Every credited village has its five documents, each readable.
        foreach (var (village, _) in credited)
        {
            var documents = (await observer.GetFromJsonAsync<JsonArray>($"/api/documents?division={village}"))!.Select(d => d!["kind"]!.GetValue<string>()).ToHashSet();
            Assert.Superset(new HashSet<string> { "roster-xlsx", "roster-pdf", "notice-pdf", "application-pdf", "payment-notice-pdf", "credited-csv" }, documents);
        }
        Assert.True(result.Documents["credited-csv"] >= credited.Count);
    }

    [Fact]
    public async Task The_year_shows_in_the_business_metrics_the_dashboard_receives()
    {
        var (options, result, before) = await YearAsync();
        var settled = result.Villages.Count - 1;
        var credited = result.Documents["credited-csv"];

        // Gauges are read from the databases and the broker every ten seconds.
        await Eventually.TrueAsync(async () =>
        {
            var calculation = await ScrapedMetrics.ReadAsync(system, "calculation");
            return calculation.Sum("subsidy_village_years", ("state", "credited")) - before["calculation"].Sum("subsidy_village_years", ("state", "credited")) >= credited;
        }, "the credited village-years to show in the gauge", TimeSpan.FromSeconds(40));
        var after = new Dictionary<string, ScrapedMetrics>();
        foreach (var service in MeasuredServices) after[service] = await ScrapedMetrics.ReadAsync(system, service);
        double Delta(string service, string name, params (string, string)[] labels) => after[service].Sum(name, labels) - before[service].Sum(name, labels);

        Assert.Equal(options.Rows, Delta("contribution-import", "subsidy_import_rows_accepted_total"));
        Assert.True(Delta("calculation", "subsidy_calculation_duration_milliseconds_count") >= settled, "a calculation duration for each village calculated");
        Assert.True(after["calculation"].Sum("subsidy_village_years", ("state", "suspended")) >= 1);
        foreach (var kind in new[] { "roster-pdf", "notice-pdf", "application-pdf", "payment-notice-pdf", "credited-xlsx" })
        {
            Assert.True(Delta("document", "subsidy_document_render_duration_milliseconds_count", ("kind", kind)) >= credited, $"a render duration for each {kind}");
        }
        // The backlog: events not yet relayed, and messages waiting in each of the service's queues.
        Assert.True(after["calculation"].Has("subsidy_backlog", ("queue", "outbox")));
        Assert.True(after["calculation"].Has("subsidy_backlog", ("queue", "village-years-to-calculate")));
        Assert.True(after["document"].Has("subsidy_backlog", ("queue", "document-settlement-documents")));
        Assert.True(after["document"].Has("subsidy_dead_letters", ("queue", "document-settlement-documents_error")));
    }
}
