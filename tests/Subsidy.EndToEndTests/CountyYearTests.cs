using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Subsidy.Demo;

namespace Subsidy.EndToEndTests;

/// <summary>The main job, small: a county-year of six villages driven through the gateway by the
/// demo, to credited.</summary>
[Collection(SystemCollection.Name)]
public class CountyYearTests(SubsidySystem system)
{
    private static readonly string[] MeasuredServices =
    [
        "calculation",
        "document",
        "contribution-import",
    ];

    /// <summary>The year is run once for the tests of this class, with each service's metrics read
    /// just before it.</summary>
    private sealed record Run(
        DemoOptions Options,
        DemoResult Result,
        IReadOnlyDictionary<string, ScrapedMetrics> Before
    );

    private static Task<Run>? _run;
    private static readonly Lock Gate = new();

    private Task<Run> YearAsync()
    {
        lock (Gate)
            return _run ??= RunAsync(system);
    }

    public static DemoOptions Options(DateOnly today) =>
        new(["201", "202"], 3, 260, 1500, today.Year, today, Parallel: 2);

    private static async Task<Run> RunAsync(SubsidySystem system)
    {
        var before = new Dictionary<string, ScrapedMetrics>();
        foreach (var service in MeasuredServices)
            before[service] = await ScrapedMetrics.ReadAsync(system, service);
        var options = Options(BusinessDay.Today);
        // The demo's people sign in at the identity service, with the accounts it created for them,
        // as in ./run.sh demo.
        var gateway = system.Gateway.BaseAddress!;
        var result = await new DemoYear(
            gateway,
            options,
            TextWriter.Null,
            new DemoAccounts(gateway, system.DemoAccounts)
        ).RunAsync();
        return new Run(options, result, before);
    }

    [Fact]
    public async Task A_small_county_year_runs_through_the_gateway_to_credited_with_its_documents_and_totals()
    {
        var (options, result, _) = await YearAsync();

        var observer = await system.GatewayAsAsync("auditor", "36");
        var settledVillages = result.Villages.Where(v => v != result.SuspendedVillage).ToList();
        async Task<Dictionary<string, JsonObject>> ReadYearsAsync()
        {
            var read = new Dictionary<string, JsonObject>();
            foreach (var village in result.Villages)
            {
                read[village] = (
                    await observer.GetFromJsonAsync<JsonObject>(
                        $"/api/calculation/village-years/{village}/{options.Year}"
                    )
                )!;
            }
            return read;
        }
        // Every village but the suspended one has something to pay in the demo's data, so each goes
        // all the way.
        var years = await Eventually.GetAsync(
            async () =>
            {
                var read = await ReadYearsAsync();
                return settledVillages.All(v => read[v]["state"]!.GetValue<string>() == "credited")
                    ? read
                    : null;
            },
            "every settled village to be credited",
            TimeSpan.FromMinutes(2)
        );
        Assert.Equal("suspended", years[result.SuspendedVillage]["state"]!.GetValue<string>());
        var credited = years.Where(y => y.Key != result.SuspendedVillage).ToList();
        Assert.Equal(result.Villages.Count - 1, credited.Count);
        Assert.All(credited, y =>
            Assert.True(y.Value["total"]!.GetValue<decimal>() > 0, $"{y.Key} has something to pay")
        );

        // Totals: what the county credited is what those villages' results add up to.
        var creditedTotal = credited.Sum(y => y.Value["total"]!.GetValue<decimal>());
        Assert.True(creditedTotal > 0);
        var summaries = await Task.WhenAll(
            new[] { "360222201000", "360222202000" }.Select(async t =>
                (
                    await observer.GetFromJsonAsync<JsonObject>(
                        $"/api/calculation/summaries/{t}/{options.Year}"
                    )
                )!
            )
        );
        var ours = summaries
            .SelectMany(s => s["children"]!.AsArray())
            .Where(c => result.Villages.Contains(c!["code"]!.GetValue<string>()))
            .ToList();
        Assert.Equal(creditedTotal, ours.Sum(c => c!["creditedAmount"]!.GetValue<decimal>()));
        Assert.All(credited, y =>
            Assert.Equal(
                y.Value["total"]!.GetValue<decimal>(),
                y.Value["paymentNotice"]!["paidAmount"]!.GetValue<decimal>()
            )
        );

        // The shapes the demo promises: a tight budget prorated, a member of two rosters held, one
        // objection dismissed.
        var budget = years[result.BudgetVillage];
        Assert.True(budget["total"]!.GetValue<decimal>() <= 3000m);
        Assert.Contains(budget["totals"]!.AsArray(), t =>
            t!["code"]!.GetValue<string>() == "BUDGET_PRORATED"
        );
        // Listed by two villages: held in the one where they pay (in the other they have no
        // contribution at all).
        Assert.Contains(years[result.DuplicateVillages[0]]["results"]!.AsArray(), r =>
            r!["exclusion"]?.GetValue<string>() == "DUPLICATE_MEMBERSHIP"
        );
        var objections = (
            await observer.GetFromJsonAsync<JsonArray>(
                $"/api/calculation/village-years/{result.ObjectionVillage}/{options.Year}/objections"
            )
        )!;
        Assert.Equal("dismissed", Assert.Single(objections)!["state"]!.GetValue<string>());

        // Every credited village has the documents of every step it took; the last ones are
        // rendered after the step.
        var kinds = new[]
        {
            "roster-xlsx",
            "roster-pdf",
            "notice-pdf",
            "application-pdf",
            "payment-notice-pdf",
            "credited-xlsx",
            "credited-csv",
        };
        foreach (var (village, _) in credited)
        {
            var documents = await Eventually.GetAsync(
                async () =>
                {
                    var issued = (
                        await observer.GetFromJsonAsync<JsonArray>(
                            $"/api/documents?division={village}"
                        )
                    )!
                        .Select(d => d!["kind"]!.GetValue<string>())
                        .ToHashSet();
                    return kinds.All(issued.Contains) ? issued : null;
                },
                $"every document of {village}",
                TimeSpan.FromMinutes(2)
            );
            Assert.Subset(documents, kinds.ToHashSet());
        }
        Assert.Equal(credited.Count, result.Documents["credited-csv"]);
    }

    [Fact]
    public async Task The_year_shows_in_the_business_metrics_the_dashboard_receives()
    {
        var (options, result, before) = await YearAsync();
        var settled = result.Villages.Count - 1;
        var credited = result.Documents["credited-csv"];

        // Gauges are read from the databases and the broker every ten seconds: once the year's work
        // has drained, the village-year gauge is what the calculation's database holds, state by
        // state, and every backlog is empty.
        await using var calculationDb = await system.OpenDatabaseAsync("calculation");
        var gauged = await Eventually.GetAsync(
            async () =>
            {
                var counts = (
                    await calculationDb.QueryAsync<(string State, long Count)>(
                        "SELECT state, count(*) FROM village_years GROUP BY state"
                    )
                ).ToDictionary(c => c.State, c => (double)c.Count);
                var calculation = await ScrapedMetrics.ReadAsync(system, "calculation");
                var document = await ScrapedMetrics.ReadAsync(system, "document");
                var matches =
                    counts.All(c =>
                        calculation.Sum("subsidy_village_years", ("state", c.Key)) == c.Value
                    )
                    && calculation.Sum("subsidy_backlog", ("queue", "outbox")) == 0
                    && calculation.Sum("subsidy_backlog", ("queue", "village-years-to-calculate"))
                        == 0
                    && document.Sum("subsidy_backlog", ("queue", "outbox")) == 0
                    && document.Sum("subsidy_backlog", ("queue", "document-settlement-documents"))
                        == 0;
                return matches ? counts : null;
            },
            "the gauges to show the year's end state and empty backlogs",
            TimeSpan.FromMinutes(2)
        );
        var after = new Dictionary<string, ScrapedMetrics>();
        foreach (var service in MeasuredServices)
            after[service] = await ScrapedMetrics.ReadAsync(system, service);
        double Delta(string service, string name, params (string, string)[] labels) =>
            after[service].Sum(name, labels) - before[service].Sum(name, labels);

        Assert.Equal(settled, credited);
        Assert.True(gauged["credited"] >= credited);
        Assert.True(
            Delta("calculation", "subsidy_village_years", ("state", "credited")) >= credited,
            "the year's credited village-years in the gauge"
        );
        Assert.True(after["calculation"].Sum("subsidy_village_years", ("state", "suspended")) >= 1);

        // Counters: every row of the export accepted, none rejected; a calculation for each
        // village; a render per document.
        Assert.Equal(
            options.Rows,
            Delta("contribution-import", "subsidy_import_rows_accepted_total")
        );
        Assert.Equal(0, Delta("contribution-import", "subsidy_import_rows_rejected_total"));
        Assert.True(
            Delta("calculation", "subsidy_calculation_duration_milliseconds_count") >= settled,
            "a calculation duration for each village calculated"
        );
        foreach (
            var kind in new[]
            {
                "roster-xlsx",
                "roster-pdf",
                "notice-pdf",
                "application-pdf",
                "payment-notice-pdf",
                "credited-xlsx",
                "credited-csv",
            }
        )
        {
            Assert.True(
                Delta(
                    "document",
                    "subsidy_document_render_duration_milliseconds_count",
                    ("kind", kind)
                ) >= credited,
                $"a render duration for each {kind}"
            );
        }

        // The backlog series exist (the empty values above are readings, not absent series), and
        // the year sent nothing to an error queue.
        Assert.True(after["calculation"].Has("subsidy_backlog", ("queue", "outbox")));
        Assert.True(
            after["calculation"].Has("subsidy_backlog", ("queue", "village-years-to-calculate"))
        );
        Assert.True(
            after["document"].Has("subsidy_backlog", ("queue", "document-settlement-documents"))
        );
        Assert.True(
            after["document"]
                .Has("subsidy_dead_letters", ("queue", "document-settlement-documents_error"))
        );
        Assert.Equal(
            0,
            Delta(
                "document",
                "subsidy_dead_letters",
                ("queue", "document-settlement-documents_error")
            )
        );
    }
}
