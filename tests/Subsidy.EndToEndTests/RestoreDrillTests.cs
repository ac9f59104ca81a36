using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using static Subsidy.EndToEndTests.ContributionFiles;
using static Subsidy.EndToEndTests.SettlementDriver;

namespace Subsidy.EndToEndTests;

/// <summary>A system started with backups on (WAL archive and base backups), as the production
/// start has them.</summary>
public sealed class BackedUpSystem : SubsidySystem
{
    protected override IEnumerable<string> MoreArguments => ["--Backup:Enabled=true"];

    public string PostgresDirectory => System.IO.Path.Combine(DataDirectory, "postgres");
    public string BackupDirectory => System.IO.Path.Combine(DataDirectory, "backups");

    /// <summary>infra/backup.sh, as ./run.sh backup and ./run.sh restore call it.</summary>
    public async Task<(int ExitCode, string Output)> BackupCommandAsync(params string[] arguments)
    {
        var script = System.IO.Path.Combine(
            Subsidy.Tests.RepositoryRoot.Path,
            "AppHost",
            "infra",
            "backup.sh"
        );
        using var process = Process.Start(
            new ProcessStartInfo("bash", new[] { script }.Concat(arguments))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }
        )!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return (process.ExitCode, await output + await error);
    }

    public async Task<int> PostgresPortAsync() =>
        new Npgsql.NpgsqlConnectionStringBuilder(await ServerConnectionStringAsync()).Port;
}

/// <summary>
/// docs/operations/backup-and-restore.md, the restore drill: part of a year, a note of every
/// village-year, more steps, then every database restored to the noted moment and the system
/// started on it. Everything equals the note, and the year completes to credited with the noted
/// totals, though the broker still held messages from after that moment.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RestoreDrillTests(BackedUpSystem system) : IClassFixture<BackedUpSystem>
{
    private static readonly string[] Villages = ["360222100481", "360222101481", "360222102481"];

    // Stopped before the database and started after it, the registry first (the others ask it for
    // reference data when they start).
    private static readonly string[] Services =
    [
        "scheme-registry",
        "identity",
        "contribution-import",
        "calculation",
        "document",
    ];

    [Fact]
    public async Task Every_database_restored_to_a_noted_moment_equals_the_note_and_the_year_then_completes_with_the_same_totals()
    {
        var driver = new SettlementDriver(system);
        for (var i = 0; i < Villages.Length; i++)
        {
            var person = 481_001 + i * 10;
            await driver.CalculatedAsync(
                Villages[i],
                $"还原演练{i + 1}村",
                [(person, ""), (person + 1, "低保对象")],
                [Row(person, Villages[i], Year, 500), Row(person + 1, Villages[i], Year, 1000)]
            );
        }
        var centre = await driver.Centre();
        var clerks = new Dictionary<string, HttpClient>();
        foreach (var village in Villages)
            clerks[village] = await driver.Registry.Clerk(village);
        await StepAsync(clerks[Villages[0]], Villages[0], "confirm", HttpStatusCode.OK);

        // The operator's backup, then more work that only the WAL archive holds.
        var taken = await system.BackupCommandAsync(
            "take",
            system.PostgresDirectory,
            (await system.PostgresPortAsync()).ToString(),
            system.BackupDirectory,
            "2"
        );
        Assert.True(taken.ExitCode == 0, taken.Output);
        await StepAsync(clerks[Villages[0]], Villages[0], "notice", HttpStatusCode.OK);
        await StepAsync(clerks[Villages[1]], Villages[1], "confirm", HttpStatusCode.OK);

        var noted = await NoteAsync(driver);
        Assert.Equal(
            ["notice-published", "confirmed", "calculated"],
            Villages.Select(v => noted[v].State)
        );
        string moment;
        await using (var calculation = await system.OpenDatabaseAsync("calculation"))
            moment = await calculation.QuerySingleAsync<string>(
                "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'"
            );
        await Task.Delay(1500);

        // Work after the moment: lost by the restore, and its events may still wait in the broker.
        await StepAsync(
            clerks[Villages[0]],
            Villages[0],
            "notice/close",
            HttpStatusCode.OK,
            on: Today.AddDays(7)
        );
        await StepAsync(clerks[Villages[1]], Villages[1], "notice", HttpStatusCode.OK);
        await StepAsync(clerks[Villages[2]], Villages[2], "confirm", HttpStatusCode.OK);

        foreach (var service in Services.Reverse())
            await system.StopResourceAsync(service);
        // The server stops once its last session ends: this test's own pooled ones too.
        Npgsql.NpgsqlConnection.ClearAllPools();
        await system.StopResourceAsync("postgres");
        var verified = await system.BackupCommandAsync("verify", system.BackupDirectory);
        Assert.True(verified.ExitCode == 0, verified.Output);
        var restored = await system.BackupCommandAsync(
            "restore",
            system.PostgresDirectory,
            system.BackupDirectory,
            moment
        );
        Assert.True(restored.ExitCode == 0, restored.Output);
        await system.StartResourceAsync("postgres");
        foreach (var service in Services)
            await system.StartResourceAsync(service, routed: service == Services[^1]);

        Assert.Equal(noted, await NoteAsync(driver));

        // The year goes on from the restored moment to credited.
        await StepAsync(
            clerks[Villages[0]],
            Villages[0],
            "notice/close",
            HttpStatusCode.OK,
            on: Today.AddDays(7)
        );
        await StepAsync(clerks[Villages[1]], Villages[1], "notice", HttpStatusCode.OK);
        await StepAsync(clerks[Villages[2]], Villages[2], "confirm", HttpStatusCode.OK);
        await StepAsync(clerks[Villages[2]], Villages[2], "notice", HttpStatusCode.OK);
        foreach (var village in Villages.Skip(1))
            await StepAsync(
                clerks[village],
                village,
                "notice/close",
                HttpStatusCode.OK,
                on: Today.AddDays(7)
            );
        foreach (var village in Villages)
        {
            await StepAsync(clerks[village], village, "application", HttpStatusCode.OK);
            await StepAsync(centre, village, "approval", HttpStatusCode.OK);
            await StepAsync(centre, village, "payment-notice", HttpStatusCode.OK);
        }
        foreach (var village in Villages)
            await driver.CreditedAsync(village);

        var credited = await NoteAsync(driver);
        foreach (var village in Villages)
        {
            Assert.Equal("credited", credited[village].State);
            Assert.Equal(noted[village].Total, credited[village].Total);
            Assert.Equal(noted[village].Members, credited[village].Members);
        }

        // The document service, restored with the others, heard every step after the restore:
        // each village's credited-details export is issued.
        foreach (var village in Villages)
        {
            await Eventually.TrueAsync(
                async () =>
                    (
                        await centre.GetFromJsonAsync<JsonArray>(
                            $"/api/documents?division={village}&year={Year}&kind=credited-csv"
                        )
                    )!.Count == 1,
                $"the credited-details export of {village}"
            );
        }

        // Nothing failed for good on the way: no service holds a dead letter.
        var operatorClient = await system.GatewayAsAsync("operator", "3602");
        foreach (
            var path in new[]
            {
                "/api/registry",
                "/api/accounts",
                "/api/imports",
                "/api/calculation",
                "/api/documents",
            }
        )
        {
            var page = await operatorClient.GetFromJsonAsync<JsonObject>(
                $"{path}/operations/dead-letters?state=waiting"
            );
            Assert.Equal(0, page!["total"]!.GetValue<int>());
        }
    }

    private sealed record Note(string State, decimal Total, string Members);

    /// <summary>Each village-year's state, total and every member's amount, as the calculation's
    /// API answers.</summary>
    private static async Task<Dictionary<string, Note>> NoteAsync(SettlementDriver driver)
    {
        var notes = new Dictionary<string, Note>();
        foreach (var village in Villages)
        {
            var year = await (await driver.Observer()).GetFromJsonAsync<JsonObject>(
                $"/api/calculation/village-years/{village}/{Year}"
            );
            var members = string.Join(
                ";",
                year!["results"]!
                    .AsArray()
                    .Select(r => $"{r!["idNumber"]}={r["amount"]}")
                    .Order(StringComparer.Ordinal)
            );
            notes[village] = new Note(
                year["state"]!.GetValue<string>(),
                year["total"]!.GetValue<decimal>(),
                members
            );
        }
        return notes;
    }
}
