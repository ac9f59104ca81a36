using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Subsidy.Contracts;
using Subsidy.Demo;

namespace Subsidy.Benchmarks;

/// <summary>The whole system as the tests start it (local PostgreSQL and RabbitMQ in a fresh data
/// directory), for one benchmark.</summary>
public sealed class BenchSystem : IAsyncDisposable
{
    private BenchSystem(DistributedApplication app, string dataDirectory) =>
        (App, DataDirectory) = (app, dataDirectory);

    public DistributedApplication App { get; }
    public string DataDirectory { get; }

    public static async Task<BenchSystem> StartAsync(params string[] settings)
    {
        var dataDirectory = Path.Combine(
            Path.GetTempPath(),
            "subsidy-bench-" + Guid.NewGuid().ToString("N")[..8]
        );
        Directory.CreateDirectory(dataDirectory);
        Console.WriteLine($"starting the system (data in {dataDirectory}) …");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            // Testing: the benchmarks' users take development tokens (POST /dev/token) instead of
            // signing in.
            [
                "--environment=Testing",
                $"--Infrastructure:DataDirectory={dataDirectory}",
                "--Infrastructure:Mode=local",
                // A port of its own: a system already running here (./run.sh holds 5080) goes on
                // undisturbed beside the benchmark.
                "--Gateway:Port=0",
                .. settings,
            ],
            (options, _) => options.DisableDashboard = false
        );
        // The services' own console output stays in the dashboard; the benchmark prints only its
        // figures. So does a line per request of the benchmark's own HTTP clients.
        builder.Services.AddLogging(logging =>
            logging
                .AddFilter("Subsidy.AppHost.Resources", LogLevel.Warning)
                .AddFilter("System.Net.Http.HttpClient", LogLevel.Warning)
        );
        var app = await builder.BuildAsync();
        await app.StartAsync();
        await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway");
        return new BenchSystem(app, dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The generated export read with the import's own reader and parser, as the records the
/// services would hold.</summary>
public static class ExportRecords
{
    public static readonly HashSet<decimal> Tiers =
    [
        100,
        300,
        400,
        500,
        600,
        700,
        800,
        900,
        1000,
        1500,
        2000,
        3000,
        4000,
        5000,
        6000,
    ];

    /// <summary>The tiers of the export's year as the import checks them: every year of a benchmark
    /// is configured alike.</summary>
    public static IReadOnlyDictionary<int, IReadOnlySet<decimal>> TiersOf(int year) =>
        new Dictionary<int, IReadOnlySet<decimal>> { [year] = Tiers };

    public static List<ContributionRecord> Read(
        string file,
        int year,
        IReadOnlyList<string> villages
    )
    {
        var context = new ContributionImport.Parsing.ImportContext(
            year,
            "360222",
            villages.ToHashSet(),
            TiersOf(year)
        );
        using var stream = File.OpenRead(file);
        ContributionImport.Parsing.HeaderMap? map = null;
        var records = new List<ContributionRecord>();
        foreach (var row in ContributionImport.Reading.TabularReader.ReadCsv(stream))
        {
            if (map is null)
            {
                map = ContributionImport.Parsing.HeaderMap.Detect([row.Cells]).Map!;
                continue;
            }
            if (
                ContributionImport
                    .Parsing.ContributionRowParser.Parse(row.RowNumber, row.Cells, map, context)
                    .Record is
                { } record
            )
                records.Add(record);
        }
        return records;
    }

    public static string NewFile(string name) => Path.Combine(Path.GetTempPath(), name);

    public static IReadOnlyList<string> CityVillages(int count) =>
        DemoExport
            .Villages((int)Math.Ceiling(count / (double)DemoExport.Townships.Length))
            .Take(count)
            .ToList();
}
