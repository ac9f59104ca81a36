using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Npgsql;
using Subsidy.Benchmarks;
using Subsidy.Demo;

// Benchmarks run against the whole system, started here as the tests start it (local PostgreSQL and
// RabbitMQ). They print their figures next to the baseline they are compared with, measured in the
// same run.
var what = args.FirstOrDefault() ?? "import";
var rows =
    args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var given)
        ? given
        : 1_000_000;
if (what == "parse")
{
    // Reading and checking alone, without the database: how much of an import is spent before COPY.
    var path = Path.Combine(Path.GetTempPath(), "subsidy-parse-bench.csv");
    var villageList = DemoExport.Villages();
    DemoExport.Write(path, rows, 2026, villageList);
    var context = new ContributionImport.Parsing.ImportContext(
        2026,
        "360222",
        villageList.ToHashSet(),
        ExportRecords.TiersOf(2026)
    );
    for (var round = 0; round < 3; round++)
    {
        var clock = Stopwatch.StartNew();
        using var stream = File.OpenRead(path);
        var all = ContributionImport.Reading.TabularReader.ReadCsv(stream).ToList();
        var read = clock.Elapsed;
        var map = ContributionImport.Parsing.HeaderMap.Detect([all[0].Cells]).Map!;
        var good = 0;
        foreach (var row in all.Skip(1))
            if (
                ContributionImport
                    .Parsing.ContributionRowParser.Parse(row.RowNumber, row.Cells, map, context)
                    .Record
                is not null
            )
                good++;
        Console.WriteLine(
            $"read {read.TotalSeconds:0.00} s, parse {(clock.Elapsed - read).TotalSeconds:0.00} s, {good:N0} good rows"
        );
    }
    return 0;
}
if (what == "documents")
{
    return DocumentBenchmark.Run(
        rows,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2000
    );
}
if (what == "samples")
{
    return DocumentBenchmark.Samples(args.Length > 1 ? args[1] : "docs/documents");
}
if (what == "portal")
{
    // Against the running demo (./run.sh demo): each main page's time to interactive.
    return await PortalBenchmark.TimingsAsync(args.Length > 1 ? args[1] : "http://localhost:5080");
}
if (what == "screenshots")
{
    return await PortalBenchmark.ScreenshotsAsync(
        args.Length > 1 ? args[1] : "docs/portal",
        args.Length > 2 ? args[2] : "http://localhost:5080"
    );
}
if (what == "year")
{
    return await YearBenchmark.RunAsync(
        rows,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2000
    );
}
if (what == "failover")
{
    return await FailoverBenchmark.RunAsync();
}
if (what == "calculation")
{
    return await CalculationBenchmark.RunAsync(
        rows,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2000
    );
}
if (what != "import")
{
    Console.Error.WriteLine(
        "usage: bench.sh import [rows[,rows…]] | bench.sh parse [rows] | bench.sh calculation [rows] [villages] | bench.sh documents [rows] [villages] | bench.sh samples [directory] | bench.sh year [rows] [villages] | bench.sh failover | bench.sh portal [portal url] | bench.sh screenshots [directory] [portal url]"
    );
    return 2;
}

// A county's export and a city's side by side, unless sizes are given (comma-separated).
return await ImportBenchmark.RunAsync(
    args.Length > 1
        ? args[1].Split(',').Select(size => int.Parse(size, CultureInfo.InvariantCulture)).ToList()
        : ImportBenchmark.DefaultSizes
);
