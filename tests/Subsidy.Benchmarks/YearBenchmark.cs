using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting.Testing;
using Subsidy.Demo;

namespace Subsidy.Benchmarks;

/// <summary>
/// docs/design/09-performance-targets.md: a city-sized year end to end (≤ 3 min) through the
/// running system and its gateway, driven by the demo's users: reference data first (villages,
/// pilots, schemes, rosters — set up once a year, timed apart), then the year itself from the
/// export's upload to every village credited. Each stage is printed; beside the import stage, `psql
/// \copy` of the same file is the baseline.
/// </summary>
public static class YearBenchmark
{
    public static async Task<int> RunAsync(int rows, int villagesPerTownship)
    {
        // A city-sized year is tens of thousands of requests and messages: one trace in a hundred
        // is kept (still hundreds of whole traces) and metrics go out every 10 s rather than every
        // second, as a deployment of that size would have it. At one in ten the dashboard alone
        // took a noticeable share of the settlement's CPU. The benchmark's one county centre and
        // bureau do a city's work (2,000 villages, ten counties' worth), so their budgets are sized
        // to it as such a deployment would size them; the year measures the system, not the
        // limiter.
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
        var options = new DemoOptions(
            DemoExport.Townships,
            villagesPerTownship,
            200,
            rows,
            today.Year,
            today,
            Parallel: 8
        );
        var result = await new DemoYear(gateway, options, Console.Out).RunAsync();

        // Baseline for the import stage: psql \copy of the same export into an equally indexed
        // table.
        var file = Path.Combine(system.DataDirectory, "export.csv");
        DemoExport.Write(
            file,
            rows,
            today.Year,
            DemoExport.Villages(options.Townships, villagesPerTownship, 200)
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
            $"| **the year, upload to credited** | **{total.TotalSeconds:0.0} s** | target ≤ 180 s: {(total.TotalSeconds <= 180 ? "met" : "NOT met")} |"
        );
        var county = result.CountySummary["division"]!;
        Console.WriteLine(
            $"| villages / credited amount | {result.Villages.Count:N0} / {county["creditedAmount"]} 元 | |"
        );
        return 0;
    }
}
