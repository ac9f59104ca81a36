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

// Benchmarks run against the whole system, started here as the tests start it (local PostgreSQL and RabbitMQ).
// They print their figures next to the baseline they are compared with, measured in the same run.
var what = args.FirstOrDefault() ?? "import";
var rows = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var given) ? given : 1_000_000;
if (what == "parse")
{
    // Reading and checking alone, without the database: how much of an import is spent before COPY.
    var path = Path.Combine(Path.GetTempPath(), "subsidy-parse-bench.csv");
    var villageList = DemoExport.Villages();
    DemoExport.Write(path, rows, 2026, villageList);
    var context = new ContributionImport.Parsing.ImportContext(2026, "360222", villageList.ToHashSet(), ExportRecords.TiersOf(2026));
    for (var round = 0; round < 3; round++)
    {
        var clock = Stopwatch.StartNew();
        using var stream = File.OpenRead(path);
        var all = ContributionImport.Reading.TabularReader.ReadCsv(stream).ToList();
        var read = clock.Elapsed;
        var map = ContributionImport.Parsing.HeaderMap.Detect([all[0].Cells]).Map!;
        var good = 0;
        foreach (var row in all.Skip(1)) if (ContributionImport.Parsing.ContributionRowParser.Parse(row.RowNumber, row.Cells, map, context).Record is not null) good++;
        Console.WriteLine($"read {read.TotalSeconds:0.00} s, parse {(clock.Elapsed - read).TotalSeconds:0.00} s, {good:N0} good rows");
    }
    return 0;
}
if (what == "documents")
{
    return DocumentBenchmark.Run(rows, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2000);
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
    return await PortalBenchmark.ScreenshotsAsync(args.Length > 1 ? args[1] : "docs/portal", args.Length > 2 ? args[2] : "http://localhost:5080");
}
if (what == "year")
{
    return await YearBenchmark.RunAsync(rows, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 125);
}
if (what == "calculation")
{
    return await CalculationBenchmark.RunAsync(rows, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2000);
}
if (what != "import")
{
    Console.Error.WriteLine("usage: bench.sh import [rows] | bench.sh parse [rows] | bench.sh calculation [rows] [villages] | bench.sh documents [rows] [villages] | bench.sh samples [directory] | bench.sh year [rows] [villages per township] | bench.sh portal [portal url] | bench.sh screenshots [directory] [portal url]");
    return 2;
}

await using var system = await BenchSystem.StartAsync("--Gateway:PermitsPerMinute=100000");
var app = system.App;
var dataDirectory = system.DataDirectory;
var gateway = app.CreateHttpClient("gateway");
gateway.Timeout = TimeSpan.FromMinutes(30);

async Task<HttpClient> As(string role, string scope)
{
    var token = await (await gateway.PostAsJsonAsync("/dev/token", new { role, scope })).Content.ReadFromJsonAsync<JsonObject>();
    var client = app.CreateHttpClient("gateway");
    client.Timeout = TimeSpan.FromMinutes(30);
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!["accessToken"]!.GetValue<string>());
    return client;
}

var year = DateTime.UtcNow.Year;
var villages = DemoExport.Villages();
var county = await As("county-bureau", "360222");
foreach (var village in villages)
{
    (await county.PostAsJsonAsync("/api/registry/divisions", new { code = village, name = $"村{village[^5..]}" })).EnsureSuccessStatusCode();
}
while (!(await county.GetAsync($"/api/imports/divisions/{villages[^1]}")).IsSuccessStatusCode) await Task.Delay(200);
Console.WriteLine($"{villages.Count} villages of 浮梁县 registered");

var file = Path.Combine(dataDirectory, "export.csv");
var generate = Stopwatch.StartNew();
var size = DemoExport.Write(file, rows, year, villages);
Console.WriteLine($"generated {rows:N0} rows ({size / 1048576.0:0.0} MiB) in {generate.Elapsed.TotalSeconds:0.0} s");

// The service under test: its process, to read its peak memory.
var servicePid = Directory.GetDirectories("/proc").Select(d => Path.GetFileName(d)).Where(n => n.All(char.IsAsciiDigit))
    .First(pid => { try { return File.ReadAllText($"/proc/{pid}/cmdline").Contains("/ContributionImport/bin/", StringComparison.Ordinal); } catch (IOException) { return false; } });
long Kib(string field) => long.Parse(File.ReadAllLines($"/proc/{servicePid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
var rssBefore = Kib("VmRSS:");

var centre = await As("county-centre", "360222");
var import = Stopwatch.StartNew();
await using (var body = File.OpenRead(file))
{
    var upload = await centre.PostAsync($"/api/imports/contributions?scope=360222&year={year}&fileName=export.csv", new StreamContent(body, 1 << 20));
    upload.EnsureSuccessStatusCode();
    var batch = await upload.Content.ReadFromJsonAsync<JsonObject>();
    var uploaded = import.Elapsed;
    JsonObject? state;
    do
    {
        await Task.Delay(250);
        state = await centre.GetFromJsonAsync<JsonObject>($"/api/imports/batches/{batch!["id"]}");
    }
    while (state!["state"]!.GetValue<string>() is "received" or "processing");
    import.Stop();
    if (state["state"]!.GetValue<string>() != "accepted") throw new InvalidOperationException($"batch ended {state["state"]}: {state["errorCount"]} errors");
    Console.WriteLine($"upload {uploaded.TotalSeconds:0.0} s, then processing to accepted {(import.Elapsed - uploaded).TotalSeconds:0.0} s");
}
var peakRss = Kib("VmHWM:");

// Baseline: psql \copy of the same file into a table with the same columns and index.
var copy = await PsqlCopy.TimeAsync(app, file);


var ratio = import.Elapsed.TotalSeconds / copy.TotalSeconds;
Console.WriteLine();
Console.WriteLine($"| measure | contribution-import (upload → accepted) | psql \\copy (baseline) |");
Console.WriteLine($"|---|---|---|");
Console.WriteLine($"| rows | {rows:N0} | {rows:N0} |");
Console.WriteLine($"| time | {import.Elapsed.TotalSeconds:0.0} s | {copy.TotalSeconds:0.0} s |");
Console.WriteLine($"| rows/s | {rows / import.Elapsed.TotalSeconds:N0} | {rows / copy.TotalSeconds:N0} |");
Console.WriteLine($"| service memory | RSS before {rssBefore / 1024.0:0} MiB, peak {peakRss / 1024.0:0} MiB | – |");
Console.WriteLine($"| ratio (import / \\copy) | {ratio:0.00}× (target ≤ 2×) | 1× |");

return 0;
