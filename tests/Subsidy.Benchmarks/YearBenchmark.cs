using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting.Testing;
using Subsidy.Demo;

namespace Subsidy.Benchmarks;

/// <summary>
/// docs/design/09-performance-targets.md: a city's year end to end (≤ 60 s) through the running
/// system and its gateway, driven by the demo's users of 景德镇's four counties: reference data
/// first (counties, townships, policy years, villages, pilots, schemes and the city's filing,
/// rosters — set up once a year, timed apart), then the year itself from the counties' uploads to
/// every village credited. Each stage is printed; beside the import stage, `psql
/// \copy` of the same file is the baseline.
/// </summary>
public static class YearBenchmark
{
    public static async Task<int> RunAsync(int rows, int villages)
    {
        // A city-sized year is tens of thousands of requests and messages: one trace in a hundred
        // is kept (still hundreds of whole traces) and metrics go out every 10 s rather than every
        // second, as a deployment of that size would have it. At one in ten the dashboard alone
        // took a noticeable share of the settlement's CPU. Each county's centre and bureau do
        // hundreds of villages' batch work in minutes, so their budgets are sized to it as such a
        // deployment would size them; the year measures the system, not the limiter.
        await using var system = await BenchSystem.StartAsync(
            "--Gateway:PermitsPerMinute=1000000",
            "--TaxBureau:DelaySeconds=0.1",
            "--Gateway:RoleLimits:county-centre=1000000",
            "--Gateway:RoleLimits:county-bureau=1000000",
            "--Gateway:RoleLimits:city-bureau=1000000",
            "--Telemetry:TraceSampleRatio=0.01",
            "--Telemetry:MetricExportIntervalMs=10000"
        );
        var app = system.App;
        var gateway = app.CreateHttpClient("gateway").BaseAddress!;

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var options = DemoOptions.City(today, villages, rows, parallel: 8);
        var result = await new DemoYear(gateway, options, Console.Out).RunAsync();

        // Baseline for the import stage: psql \copy of the city's rows (the counties' exports
        // together) into an equally indexed table.
        var file = Path.Combine(system.DataDirectory, "export.csv");
        DemoExport.Write(
            file,
            rows,
            today.Year,
            [.. options.CountyVillages().SelectMany(c => c.Villages)]
        );
        var copy = await PsqlCopy.TimeAsync(app, file);

        string[] setup =
        [
            "村与试点 villages and pilots",
            "方案审批 schemes approved",
            "成员名册 rosters",
        ];
        var year = result.Stages.Where(s => !setup.Contains(s.Stage)).ToList();
        Console.WriteLine();
        Console.WriteLine("| stage | time | baseline |");
        Console.WriteLine("|---|---|---|");
        foreach (var (stage, time) in result.Stages)
        {
            var baseline = stage.StartsWith("缴费明细导入", StringComparison.Ordinal)
                ? $"psql \\copy {copy.TotalSeconds:0.0} s"
                : "";
            Console.WriteLine(
                $"| {stage}{(setup.Contains(stage) ? " (reference data)" : "")} | {time.TotalSeconds:0.0} s | {baseline} |"
            );
        }
        var total = TimeSpan.FromTicks(year.Sum(s => s.Time.Ticks));
        Console.WriteLine(
            $"| **the year, upload to credited** | **{total.TotalSeconds:0.0} s** | target ≤ 60 s: {(total.TotalSeconds <= 60 ? "met" : "NOT met")} |"
        );
        var city = result.CitySummary!["division"]!;
        Console.WriteLine(
            $"| villages / credited amount (景德镇市) | {result.Villages.Count:N0} / {city["creditedAmount"]} 元 | |"
        );
        foreach (var county in result.CitySummary["children"]!.AsArray())
            Console.WriteLine(
                $"| … {county!["name"]} | {county["villageYears"]} 村, {county["creditedAmount"]} 元 | |"
            );
        Console.WriteLine();
        Console.WriteLine("| 考核 rank | county | villages | credited |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var row in result.CityAssessment!["rows"]!.AsArray())
            Console.WriteLine(
                $"| {row!["rank"]} | {row["name"]} | {row["villages"]} | {row["credited"]} 元 |"
            );
        return 0;
    }
}
