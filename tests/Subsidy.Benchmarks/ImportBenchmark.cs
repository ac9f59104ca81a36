using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Npgsql;
using Subsidy.Demo;

namespace Subsidy.Benchmarks;

/// <summary>
/// The contribution import (upload through the gateway → accepted) beside <c>psql \copy</c> of the
/// same file, at a county's size and at a city's, in one started system: each size's figures side
/// by side. Each size is imported and copied several times (new files of the same records) and the
/// medians compared, since on two cores one run of either varies by a quarter; the service's first
/// upload after its start is shown apart, as it also compiles the code paths (the runtime's
/// just-in-time compiler), a cost a running service paid long before a county's export arrives.
/// </summary>
public static class ImportBenchmark
{
    /// <summary>A county's export (50–200 k rows) and a city's (1 M).</summary>
    public static readonly int[] DefaultSizes = [200_000, 1_000_000];

    public const int Runs = 3;

    private sealed record Run(
        TimeSpan Import,
        TimeSpan Uploaded,
        TimeSpan Copy,
        long PeakRssKib,
        IReadOnlyDictionary<string, double> CpuSeconds,
        IReadOnlyList<double> Collections
    );

    private sealed record Result(string Label, int Rows, IReadOnlyList<Run> Runs, string? Target)
    {
        public double Median(Func<Run, double> of)
        {
            var sorted = Runs.Select(of).Order().ToList();
            return sorted.Count % 2 == 1
                ? sorted[sorted.Count / 2]
                : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }

        public string Seconds(Func<Run, TimeSpan> of) =>
            Runs.Count == 1
                ? $"{of(Runs[0]).TotalSeconds:0.00} s"
                : $"{Median(r => of(r).TotalSeconds):0.00} s ({Runs.Min(r => of(r).TotalSeconds):0.00}–{Runs.Max(r => of(r).TotalSeconds):0.00})";
    }

    /// <summary>Where the import's CPU goes, by process: what to look at first when it is slow on
    /// two cores.</summary>
    private static readonly (string Name, Func<string, bool> Matches)[] Processes =
    [
        ("gateway", cmd => cmd.Contains("/gateway/bin/", StringComparison.Ordinal)),
        ("contribution-import", cmd =>
            cmd.Contains("/ContributionImport/bin/", StringComparison.Ordinal)
        ),
        ("PostgreSQL", cmd =>
            cmd.StartsWith("postgres", StringComparison.Ordinal)
            || cmd.StartsWith("/usr/lib/postgresql/", StringComparison.Ordinal)
        ),
    ];

    public static async Task<int> RunAsync(IReadOnlyList<int> sizes)
    {
        await using var system = await BenchSystem.StartAsync(
            "--Gateway:PermitsPerMinute=100000",
            "--Telemetry:ScrapeEndpoint=true"
        );
        var app = system.App;
        var gateway = app.CreateHttpClient("gateway");

        async Task<HttpClient> As(string role, string scope)
        {
            var token = await (
                await gateway.PostAsJsonAsync("/dev/token", new { role, scope })
            ).Content.ReadFromJsonAsync<JsonObject>();
            var client = app.CreateHttpClient("gateway");
            client.Timeout = TimeSpan.FromMinutes(30);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                "Bearer",
                token!["accessToken"]!.GetValue<string>()
            );
            return client;
        }

        var year = DateTime.UtcNow.Year;
        var villages = DemoExport.Villages();
        var county = await As("county-bureau", "360222");
        foreach (var village in villages)
        {
            (
                await county.PostAsJsonAsync(
                    "/api/registry/divisions",
                    new { code = village, name = $"村{village[^5..]}" }
                )
            ).EnsureSuccessStatusCode();
        }
        while (
            !(await county.GetAsync($"/api/imports/divisions/{villages[^1]}")).IsSuccessStatusCode
        )
            await Task.Delay(200);
        Console.WriteLine($"{villages.Count} villages of 浮梁县 registered");

        var servicePid = ServicePid("/ContributionImport/bin/");
        var service = app.CreateHttpClient("contribution-import");
        var centre = await As("county-centre", "360222");
        var results = new List<Result>();
        var fileNumber = 0;

        async Task<Run> MeasureAsync(int rows)
        {
            var file = Path.Combine(system.DataDirectory, $"export-{++fileNumber}-{rows}.csv");
            var size = DemoExport.Write(file, rows, year, villages);
            // Each upload a new file of the same records (spaces after its header), not the same
            // file again, which the import would recognise as uploaded before.
            await PadHeaderAsync(file, fileNumber);
            var gcBefore = await CollectionsAsync(service);
            var cpuBefore = CpuSeconds();
            var (import, uploaded, batchId) = await ImportAsync(centre, file, year);
            var cpuAfter = CpuSeconds();
            var gcAfter = await CollectionsAsync(service);
            var peak = Kib(servicePid, "VmHWM:");
            Console.WriteLine(
                $"{rows:N0} rows ({size / 1048576.0:0.0} MiB): upload answered after {uploaded.TotalSeconds:0.00} s, accepted after {import.TotalSeconds:0.00} s"
            );
            // The calculation stores what the import announced: the next upload starts once it has,
            // so neither measures the other.
            await SettledAsync(app, batchId);
            var copy = await PsqlCopy.TimeAsync(app, file);
            File.Delete(file);
            return new Run(
                import,
                uploaded,
                copy,
                peak,
                cpuAfter.ToDictionary(
                    c => c.Key,
                    c => c.Value - cpuBefore.GetValueOrDefault(c.Key)
                ),
                gcAfter.Zip(gcBefore, (after, before) => after - before).ToList()
            );
        }

        var first = await MeasureAsync(sizes[0]);
        results.Add(
            new Result($"{sizes[0]:N0}, the first upload after the start", sizes[0], [first], null)
        );
        foreach (var rows in sizes)
        {
            var runs = new List<Run>();
            for (var run = 0; run < Runs; run++)
                runs.Add(await MeasureAsync(rows));
            results.Add(
                new Result(
                    $"{rows:N0}, median of {Runs} (range)",
                    rows,
                    runs,
                    rows <= 200_000 ? "1.5" : "1.2"
                )
            );
        }
        Print(results);
        return 0;
    }

    private static async Task<(TimeSpan Import, TimeSpan Uploaded, Guid BatchId)> ImportAsync(
        HttpClient centre,
        string file,
        int year
    )
    {
        var clock = Stopwatch.StartNew();
        await using var body = File.OpenRead(file);
        var upload = await centre.PostAsync(
            $"/api/imports/contributions?scope=360222&year={year}&fileName={Path.GetFileName(file)}",
            new StreamContent(body, 1 << 20)
        );
        upload.EnsureSuccessStatusCode();
        var batch = await upload.Content.ReadFromJsonAsync<JsonObject>();
        var uploaded = clock.Elapsed;
        JsonObject? state;
        do
        {
            // Asked often: at a county's size the whole import takes about a second, and a coarse
            // poll would be a visible share of it.
            await Task.Delay(20);
            state = await centre.GetFromJsonAsync<JsonObject>(
                $"/api/imports/batches/{batch!["id"]}"
            );
        } while (state!["state"]!.GetValue<string>() is "received" or "processing");
        var elapsed = clock.Elapsed;
        if (state["state"]!.GetValue<string>() != "accepted")
            throw new InvalidOperationException(
                $"batch ended {state["state"]}: {state["errorCount"]} errors"
            );
        return (elapsed, uploaded, Guid.Parse(batch!["id"]!.GetValue<string>()));
    }

    private static async Task PadHeaderAsync(string file, int spaces)
    {
        var bytes = await File.ReadAllBytesAsync(file);
        var lineEnd = Array.IndexOf(bytes, (byte)'\r');
        await using var output = File.Create(file);
        await output.WriteAsync(bytes.AsMemory(0, lineEnd));
        await output.WriteAsync(System.Text.Encoding.ASCII.GetBytes(new string(' ', spaces)));
        await output.WriteAsync(bytes.AsMemory(lineEnd));
    }

    private static async Task SettledAsync(DistributedApplication app, Guid batchId)
    {
        var server = await app.GetConnectionStringAsync("postgres-connection");
        await using var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(server) { Database = "calculation" }.ConnectionString
        );
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            """
            SELECT (SELECT coalesce(sum(chunk_count), -1) FROM batch_villages WHERE batch_id = @id)
                = (SELECT count(*) FROM contribution_chunks WHERE batch_id = @id)
            """,
            connection
        );
        count.Parameters.AddWithValue("id", batchId);
        var clock = Stopwatch.StartNew();
        while (
            !(bool)(await count.ExecuteScalarAsync())! && clock.Elapsed < TimeSpan.FromMinutes(10)
        )
            await Task.Delay(500);
    }

    private static void Print(IReadOnlyList<Result> results)
    {
        string Row(string measure, Func<Result, string> cell) =>
            $"| {measure} | {string.Join(" | ", results.Select(cell))} |";
        Console.WriteLine();
        Console.WriteLine(Row("rows", r => r.Label));
        Console.WriteLine($"|---|{string.Concat(results.Select(_ => "---|"))}");
        Console.WriteLine(
            Row("contribution-import, upload → accepted", r => r.Seconds(run => run.Import))
        );
        Console.WriteLine(
            Row("… of which the upload answered after", r => r.Seconds(run => run.Uploaded))
        );
        Console.WriteLine(
            Row("psql \\copy of the same file (baseline)", r => r.Seconds(run => run.Copy))
        );
        Console.WriteLine(
            Row("rows/s, import / \\copy", r =>
                $"{r.Rows / r.Median(run => run.Import.TotalSeconds):N0} / {r.Rows / r.Median(run => run.Copy.TotalSeconds):N0}"
            )
        );
        Console.WriteLine(
            Row("service memory, peak", r => $"{r.Runs.Max(run => run.PeakRssKib) / 1024.0:0} MiB")
        );
        foreach (var (name, _) in Processes)
        {
            Console.WriteLine(
                Row($"CPU during the import: {name}", r =>
                    $"{r.Median(run => run.CpuSeconds.GetValueOrDefault(name)):0.00} s"
                )
            );
        }
        Console.WriteLine(
            Row("garbage collections during the import, gen 0 / 1 / 2", r =>
                string.Join(
                    " / ",
                    Enumerable.Range(0, 3).Select(g => $"{r.Median(run => run.Collections[g]):0}")
                )
            )
        );
        Console.WriteLine(
            Row("ratio import / \\copy", r =>
                $"{r.Median(run => run.Import.TotalSeconds) / r.Median(run => run.Copy.TotalSeconds):0.00}×"
                + (r.Target is { } target ? $" (target ≤ {target}×)" : "")
            )
        );
    }

    /// <summary>The service's garbage collections so far by generation, from its metrics.</summary>
    private static async Task<double[]> CollectionsAsync(HttpClient service)
    {
        var text = await service.GetStringAsync("/metrics");
        return Enumerable
            .Range(0, 3)
            .Select(g =>
                text.Split('\n')
                    // The runtime's own meter on .NET 9 and later, or the older instrumentation's
                    // name.
                    .Where(l =>
                        (
                            l.StartsWith("dotnet_gc_collections", StringComparison.Ordinal)
                            || l.StartsWith(
                                "process_runtime_dotnet_gc_collections_count",
                                StringComparison.Ordinal
                            )
                        ) && l.Contains($"generation=\"gen{g}\"", StringComparison.Ordinal)
                    )
                    // name{labels} value [timestamp]
                    .Select(l =>
                        double.Parse(
                            l[(l.IndexOf('}') + 2)..].Split(' ')[0],
                            CultureInfo.InvariantCulture
                        )
                    )
                    .Sum()
            )
            .ToArray();
    }

    /// <summary>User and system CPU seconds so far of each process of <see
    /// cref="Processes"/>.</summary>
    private static Dictionary<string, double> CpuSeconds()
    {
        var seconds = Processes.ToDictionary(p => p.Name, _ => 0.0);
        foreach (
            var pid in Directory
                .GetDirectories("/proc")
                .Select(Path.GetFileName)
                .Where(n => n!.All(char.IsAsciiDigit))
        )
        {
            try
            {
                var command = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
                if (Processes.FirstOrDefault(p => p.Matches(command)) is not { Name: { } name })
                    continue;
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // utime and stime: fields 14 and 15 of stat (11 and 12 after the command), in ticks
                // of 1/100 s.
                seconds[name] +=
                    (
                        long.Parse(fields[11], CultureInfo.InvariantCulture)
                        + long.Parse(fields[12], CultureInfo.InvariantCulture)
                    ) / 100.0;
            }
            catch (IOException)
            {
                // The process ended meanwhile.
            }
        }
        return seconds;
    }

    /// <summary>The service under test's process, to read its memory.</summary>
    private static string ServicePid(string binPath) =>
        Directory
            .GetDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(n => n!.All(char.IsAsciiDigit))
            .First(pid =>
            {
                try
                {
                    return File.ReadAllText($"/proc/{pid}/cmdline")
                        .Contains(binPath, StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
            })!;

    private static long Kib(string pid, string field) =>
        long.Parse(
            File.ReadAllLines($"/proc/{pid}/status")
                .First(l => l.StartsWith(field, StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
            CultureInfo.InvariantCulture
        );
}
