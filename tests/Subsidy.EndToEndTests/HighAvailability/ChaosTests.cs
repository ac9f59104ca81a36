using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using static Subsidy.EndToEndTests.ContributionFiles;
using static Subsidy.EndToEndTests.SettlementDriver;

namespace Subsidy.EndToEndTests.HighAvailability;

/// <summary>
/// docs/operations/high-availability.md: a county's year on the highly available topology, run
/// once calm and once while machines are lost — the writable PostgreSQL during the import, the
/// broker node leading the most queues during the calculation, one instance of every service
/// during the settlement. The troubled year ends as the calm one, to the fen.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ChaosTests(HighlyAvailableSystem system) : IClassFixture<HighlyAvailableSystem>
{
    private const int Villages = 10;
    private const int MembersPerVillage = 24;
    private static readonly decimal[] Tiers = [300, 500, 600, 1000];
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_county_year_losing_its_writable_database_its_leading_broker_node_and_an_instance_of_every_service_ends_as_the_calm_year_to_the_fen()
    {
        var calm = await YearAsync("360222100", 3_100_000, troubled: false);
        var troubled = await YearAsync("360222101", 3_200_000, troubled: true);

        Assert.All(troubled.States, state => Assert.Equal("credited", state));
        Assert.Equal(calm.Subsidies, troubled.Subsidies);
        Assert.Equal(calm.Credited, troubled.Credited);
        Assert.Equal(calm.Subsidies.Sum(), troubled.Credited.Sum());
        Assert.True(troubled.Credited.Sum() > 0);

        await using var calculation = await system.OpenDatabaseAsync("calculation");
        // No member paid twice: one payment notice per village-year, one receipt per notice, and
        // every member in one current result only.
        Assert.Equal(
            0,
            await calculation.ExecuteScalarAsync<long>(
                """
                SELECT count(*) FROM (SELECT notice_number FROM tax_bureau_answers
                    WHERE kind = 'receipt' GROUP BY notice_number HAVING count(*) > 1) twice
                """
            )
        );
        Assert.Equal(
            0,
            await calculation.ExecuteScalarAsync<long>(
                """
                SELECT count(*) FROM (SELECT m.id_index FROM village_years v
                    JOIN member_results m ON m.run_id = v.run_id
                    GROUP BY m.id_index HAVING count(*) > 1) twice
                """
            )
        );
        // No row lost: every contribution row of both exports kept, every member calculated.
        await using (var imports = await system.OpenDatabaseAsync("contribution_import"))
            Assert.Equal(
                2L * Villages * MembersPerVillage,
                await imports.ExecuteScalarAsync<long>("SELECT count(*) FROM contribution_rows")
            );
        Assert.Equal(
            2L * Villages * MembersPerVillage,
            await calculation.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM village_years v JOIN member_results m ON m.run_id = v.run_id"
            )
        );
        // Nothing failed for good: no error queue holds a message and no service parked one.
        var queues = await (await system.FaultsAsync()).RabbitMqCtlAsync(
            "list_queues",
            "name",
            "messages"
        );
        Assert.DoesNotContain(queues.Split('\n').Select(l => l.Split('\t')), q =>
            q.Length == 2 && q[0].EndsWith("_error", StringComparison.Ordinal) && q[1] != "0"
        );
        foreach (
            var database in new[]
            {
                "scheme_registry",
                "contribution_import",
                "calculation",
                "document",
                "identity",
            }
        )
        {
            await using var connection = await system.OpenDatabaseAsync(database);
            Assert.Equal(
                0,
                await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM dead_letters")
            );
        }
        // The standby took over: the lost primary is not the one taking writes.
        Assert.NotEqual(
            troubled.LostDatabaseNode,
            await (await system.FaultsAsync()).WritableDatabaseNodeAsync()
        );

        // The lost primary comes back as the new primary's synchronous standby.
        await Eventually.TrueAsync(
            async () =>
            {
                await using var primary = await system.OpenDatabaseAsync("postgres");
                return await primary.ExecuteScalarAsync<long>(
                        "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND sync_state IN ('sync', 'quorum')"
                    ) == 1;
            },
            "the old primary to stream again as the synchronous standby",
            TimeSpan.FromMinutes(3)
        );
    }

    [Fact]
    public async Task Two_registry_instances_asked_to_carry_over_at_once_carry_each_village_over_once()
    {
        var registry = new RegistryDriver(system);
        var villages = Enumerable.Range(1, 4).Select(i => $"360222102{700 + i:000}").ToArray();
        foreach (var village in villages)
        {
            await registry.ActiveVillageAsync(village, $"沿用演练{village[^1..]}村");
            await registry.ApproveAsync(
                village,
                await registry.DraftAsync(village, Year, Today),
                Today
            );
        }
        var nextYear = new DateOnly(Year + 1, 1, 1);
        var county = await registry.CountyBureau();
        // The gateway sends the second to the instance not busy with the first.
        var answers = await Task.WhenAll(
            Enumerable
                .Range(0, 2)
                .Select(async _ =>
                    await RegistryDriver.ReadAsync(
                        await county.SendAsync(
                            RegistryDriver.Post(
                                "/api/registry/schemes/carry-over",
                                new { year = Year + 1 },
                                nextYear
                            )
                        ),
                        HttpStatusCode.OK
                    )
                )
        );
        var carried = answers
            .SelectMany(a => a["schemes"]!.AsArray())
            .Select(s => s!["villageCode"]!.GetValue<string>())
            .ToList();
        Assert.Equal(carried.Distinct().Count(), carried.Count);
        Assert.Subset(carried.ToHashSet(), villages.ToHashSet());
        foreach (var village in villages)
        {
            var inForce = await county.GetFromJsonAsync<JsonObject>(
                $"/api/registry/schemes/in-force/{village}/{Year + 1}"
            );
            Assert.Equal("carried-over", inForce!["state"]!.GetValue<string>());
        }
    }

    private sealed record YearOutcome(
        IReadOnlyList<string> States,
        IReadOnlyList<decimal> Subsidies,
        IReadOnlyList<decimal> Credited,
        string? LostDatabaseNode
    );

    private async Task<YearOutcome> YearAsync(string township, int firstPerson, bool troubled)
    {
        var driver = new SettlementDriver(system);
        var faults = await system.FaultsAsync();
        var villages = Enumerable
            .Range(1, Villages)
            .Select(i => $"{township}{700 + i:000}")
            .ToArray();
        for (var i = 0; i < villages.Length; i++)
        {
            await driver.Registry.ActiveVillageAsync(villages[i], $"演练{township[^2..]}{i + 1}村");
            var scheme = await driver.Registry.DraftAsync(villages[i], Year, Today);
            await driver.Registry.ApproveAsync(villages[i], scheme, Today);
        }
        var county = await driver.Registry.CountyBureau();
        foreach (var village in villages)
            await Eventually.TrueAsync(
                async () =>
                    (
                        await county.GetAsync($"/api/imports/divisions/{village}")
                    ).IsSuccessStatusCode,
                "the village to be known to the import"
            );
        var rows = new List<string[]>();
        for (var i = 0; i < villages.Length; i++)
        {
            var people = Enumerable
                .Range(0, MembersPerVillage)
                .Select(k => (Person: firstPerson + i * 100 + k, Tier: Tiers[k % Tiers.Length]))
                .ToList();
            await driver.RosterAsync(
                villages[i],
                people.Select((p, k) => (p.Person, k % 8 == 0 ? "低保对象" : ""))
            );
            rows.AddRange(people.Select(p => Row(p.Person, villages[i], Year, p.Tier)));
        }

        // The import, and the writable database lost under it: the upload is repeated by the
        // service or answered 503 and sent again, or taken and processed after the promotion.
        var centre = await driver.Centre();
        var upload = centre.PostAsync(
            $"/api/imports/contributions?scope={township}&year={Year}",
            new ByteArrayContent(Csv(rows, new UTF8Encoding(false)))
        );
        string? lostDatabaseNode = null;
        if (troubled)
        {
            await Task.Delay(100);
            lostDatabaseNode = await faults.WritableDatabaseNodeAsync();
            faults.Kill(lostDatabaseNode);
        }
        var batch = (await RegistryDriver.ReadAsync(await upload, HttpStatusCode.Accepted))[
            "id"
        ]!.GetValue<string>();

        // The calculation, and the broker node that leads the most queues lost under it.
        if (troubled)
            faults.Kill(await faults.BusiestBrokerNodeAsync());
        var observer = await driver.Observer();
        foreach (var village in villages)
            await Eventually.TrueAsync(
                async () =>
                {
                    var year = await observer.GetFromJsonAsync<JsonObject>(
                        $"/api/calculation/village-years/{village}/{Year}"
                    );
                    return year!["state"]!.GetValue<string>() == "calculated"
                        && year["run"]?["inputs"]?["batchId"]?.GetValue<string>() == batch;
                },
                $"{village} to be calculated from {batch}",
                Patience
            );

        // The settlement, and one instance of every service lost in the middle of the clerks'
        // steps.
        for (var i = 0; i < villages.Length; i++)
        {
            if (troubled && i == villages.Length / 2)
                faults.KillOneInstanceOfEveryService();
            var clerk = await driver.Registry.Clerk(villages[i]);
            await StepAsync(clerk, villages[i], "confirm", HttpStatusCode.OK);
            await StepAsync(clerk, villages[i], "notice", HttpStatusCode.OK);
            await StepAsync(
                clerk,
                villages[i],
                "notice/close",
                HttpStatusCode.OK,
                on: Today.AddDays(7)
            );
            await StepAsync(clerk, villages[i], "application", HttpStatusCode.OK);
        }
        await CentreBatchAsync(centre, "approval", villages);
        await CentreBatchAsync(centre, "payment-notice", villages);
        foreach (var village in villages)
            await Eventually.TrueAsync(
                async () =>
                    (
                        await observer.GetFromJsonAsync<JsonObject>(
                            $"/api/calculation/village-years/{village}/{Year}"
                        )
                    )!["state"]!.GetValue<string>() == "paid",
                $"the tax bureau's payment of {village}",
                Patience
            );
        await CentreBatchAsync(centre, "credit", villages);

        var years = new List<JsonObject>();
        foreach (var village in villages)
            years.Add(
                (
                    await observer.GetFromJsonAsync<JsonObject>(
                        $"/api/calculation/village-years/{village}/{Year}"
                    )
                )!
            );
        return new YearOutcome(
            years.Select(y => y["state"]!.GetValue<string>()).ToList(),
            years
                .Select(y => y["results"]!.AsArray().Sum(r => r!["subsidy"]!.GetValue<decimal>()))
                .ToList(),
            years
                .Select(y => y["paymentNotice"]?["paidAmount"]?.GetValue<decimal>() ?? 0m)
                .ToList(),
            lostDatabaseNode
        );
    }

    private static async Task CentreBatchAsync(HttpClient centre, string step, string[] villages)
    {
        var answer = await RegistryDriver.ReadAsync(
            await BatchAsync(centre, step, villages),
            HttpStatusCode.OK
        );
        Assert.True(
            answer["done"]!.GetValue<int>() == villages.Length,
            $"{step}: {answer.ToJsonString()}"
        );
    }
}
