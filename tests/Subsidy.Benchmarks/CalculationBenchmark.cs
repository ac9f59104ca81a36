using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Calculation.Rules;
using Dapper;
using MassTransit;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.Demo;

namespace Subsidy.Benchmarks;

/// <summary>
/// docs/design/09-performance-targets.md: calculation of a city-sized year — 1 M contribution rows
/// over ~2,000 villages — within 30 s. The benchmark stands in for scheme-registry and
/// contribution-import: it publishes on RabbitMQ exactly the events they publish (pilot status,
/// scheme terms, rosters, the accepted batch and its per-village chunks) and times the running
/// calculation service from the first event to the last village-year calculated. Side by side it
/// times the pure rules alone over the same inputs, in this process, as the floor no service can go
/// below.
/// </summary>
public static class CalculationBenchmark
{
    private const int ChunkSize = 2000;

    public static async Task<int> RunAsync(int rows, int villageCount)
    {
        var year = DateTime.UtcNow.Year;
        var villages = ExportRecords.CityVillages(villageCount);
        var file = ExportRecords.NewFile("subsidy-calculation-bench.csv");
        DemoExport.Write(file, rows, year, villages);
        var records = ExportRecords.Read(file, year, villages);
        var byVillage = records
            .GroupBy(r => r.VillageCode)
            .ToDictionary(g => g.Key, g => g.ToList());
        Console.WriteLine(
            $"{records.Count:N0} contribution records for {byVillage.Count:N0} villages, {records.Select(r => r.IdNumber).Distinct().Count():N0} people"
        );

        // Half the villages count members from a roster (the default), half everyone insured in the
        // village; every tenth has a tight budget, so proration runs too.
        var schemes = villages.Select((v, i) => Scheme(v, year, i)).ToList();
        var rosters = schemes
            .Where(s => s.MembershipBasis == MembershipBasis.Roster)
            .Select(s => new RosterAccepted(
                Guid.NewGuid(),
                s.VillageCode,
                year,
                byVillage
                    .GetValueOrDefault(s.VillageCode, [])
                    .DistinctBy(r => r.IdNumber)
                    .Select((r, i) => new RosterMember(i + 2, r.Name, r.IdNumber, null))
                    .ToList(),
                []
            ))
            .ToList();

        var rulesAlone = Stopwatch.StartNew();
        var policy = new PolicyInput(
            year,
            [300, 400, 500, 600, 700, 800, 900, 1000, 1500, 2000, 3000, 4000, 5000, 6000],
            100,
            new DateOnly(year, 9, 30),
            6000
        );
        var rosterOf = rosters.ToDictionary(r => r.VillageCode);
        var baselineMembers = 0;
        foreach (var scheme in schemes)
        {
            var members = rosterOf.TryGetValue(scheme.VillageCode, out var roster)
                ? roster
                    .Members.Select(m => new Member(m.IdNumber, m.Name, m.SpecialGroup))
                    .ToList()
                : [];
            baselineMembers += SubsidyRules
                .Calculate(
                    new SchemeInput(
                        scheme.MembershipBasis,
                        scheme.Stacking,
                        scheme.Floors,
                        scheme.Incentives,
                        scheme.Budget
                    ),
                    policy,
                    members,
                    byVillage.GetValueOrDefault(scheme.VillageCode, []),
                    Elsewhere.Nobody
                )
                .Count;
        }
        rulesAlone.Stop();

        await using var system = await BenchSystem.StartAsync();
        var app = system.App;
        var database = new NpgsqlConnectionStringBuilder(
            await app.GetConnectionStringAsync("postgres-connection")
        )
        {
            Database = "calculation",
        }.ConnectionString;
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        while (
            await connection.ExecuteScalarAsync<int>(
                "SELECT count(*)::int FROM policy_years WHERE year = @year",
                new { year }
            ) == 0
        )
            await Task.Delay(200);

        var broker = new Uri((await app.GetConnectionStringAsync("rabbitmq-connection"))!);
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(broker);
            Subsidy.ServiceData.Messaging.MessagingExtensions.UseSubsidyJson(rabbit);
        });
        await bus.StartAsync();
        var batchId = Guid.NewGuid();
        var clock = Stopwatch.StartNew();
        // The other services publish from several instances and relays at once; so does the
        // stand-in, 16 at a time.
        var messages = new List<object>();
        messages.AddRange(
            schemes.Select(scheme => new PilotStatusChanged(
                scheme.VillageCode,
                PilotStatus.Active,
                new DateOnly(year, 1, 1),
                null,
                1
            ))
        );
        messages.AddRange(schemes);
        messages.AddRange(rosters);
        messages.Add(
            new ContributionBatchAccepted(
                batchId,
                "360222",
                year,
                DateTimeOffset.UtcNow,
                byVillage
                    .Select(v => new VillageRowCount(v.Key, v.Value.Count, Chunks(v.Value.Count)))
                    .ToList(),
                []
            )
        );
        foreach (var (village, list) in byVillage)
        {
            var count = Chunks(list.Count);
            for (var i = 0; i < count; i++)
                messages.Add(
                    new VillageContributions(
                        batchId,
                        village,
                        year,
                        i,
                        count,
                        list.Skip(i * ChunkSize).Take(ChunkSize).ToList()
                    )
                );
        }
        var chunkCount = messages.Count(m => m is VillageContributions);
        var stored = Task.Run(async () =>
        {
            await using var watcher = new NpgsqlConnection(database);
            await watcher.OpenAsync();
            while (
                await watcher.ExecuteScalarAsync<int>(
                    "SELECT count(*)::int FROM contribution_chunks"
                ) < chunkCount
            )
                await Task.Delay(100);
            return clock.Elapsed;
        });
        await Parallel.ForEachAsync(
            messages,
            new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (message, ct) => await bus.Publish(message, message.GetType(), ct)
        );
        var published = clock.Elapsed;
        Console.WriteLine(
            $"published {messages.Count:N0} events ({schemes.Count:N0} pilots and schemes, {rosters.Count:N0} rosters, {messages.Count - 2 * schemes.Count - rosters.Count - 1:N0} chunks) in {published.TotalSeconds:0.0} s"
        );

        var expected = byVillage.Count;
        var calculated = await WaitForRunsAsync(
            connection,
            year,
            DateTime.MinValue,
            expected,
            clock
        );
        var chunksStored = await stored;
        clock.Stop();

        // Then the whole city again, inputs in place: the province moves the contribution deadline,
        // one event.
        var province = await connection.QuerySingleAsync<(
            decimal[] Tiers,
            decimal SpecialTier,
            DateOnly ContributionDeadline,
            int NoticeDays,
            long Version
        )>(
            "SELECT tiers, special_tier, contribution_deadline, notice_days, version FROM policy_years WHERE region_code = '360000000000' AND year = @year",
            new { year }
        );
        var since = await connection.ExecuteScalarAsync<DateTime>("SELECT now()::timestamp");
        var recalculation = Stopwatch.StartNew();
        await bus.Publish(
            new PolicyYearChanged(
                "360000000000",
                year,
                province.Tiers,
                province.SpecialTier,
                province.ContributionDeadline.AddMonths(1),
                new DateOnly(year, 10, 31),
                province.NoticeDays,
                province.Tiers.Max(),
                province.Version + 1000
            )
        );
        var recalculated = await WaitForRunsAsync(connection, year, since, expected, recalculation);
        recalculation.Stop();
        await bus.StopAsync();

        var runs = await connection.QuerySingleAsync<(
            int Runs,
            long Members,
            decimal Total,
            long Busy
        )>(
            "SELECT count(*)::int, coalesce(sum(members), 0)::bigint, coalesce(sum(total), 0), coalesce(sum(duration_ms), 0)::bigint FROM calculation_runs WHERE year = @year",
            new { year }
        );
        Console.WriteLine();
        Console.WriteLine(
            "| measure | calculation service (first event → last village calculated) | rules alone, in process (baseline) |"
        );
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| villages | {calculated:N0} of {expected:N0} | {schemes.Count:N0} |");
        Console.WriteLine($"| contribution rows | {records.Count:N0} | {records.Count:N0} |");
        Console.WriteLine(
            $"| member results | {runs.Members:N0} in {runs.Runs:N0} runs, calculator busy {runs.Busy / 1000.0:0.0} s in all | {baselineMembers:N0} per pass |"
        );
        Console.WriteLine(
            $"| first calculation, from the first input event | {clock.Elapsed.TotalSeconds:0.0} s (events published in {published.TotalSeconds:0.0} s, every chunk stored after {chunksStored.TotalSeconds:0.0} s) | {rulesAlone.Elapsed.TotalSeconds:0.0} s |"
        );
        Console.WriteLine(
            $"| whole city recalculated after one policy change | {recalculation.Elapsed.TotalSeconds:0.0} s ({recalculated:N0} villages) | {rulesAlone.Elapsed.TotalSeconds:0.0} s |"
        );
        Console.WriteLine(
            $"| target ≤ 30 s | first calculation {(clock.Elapsed.TotalSeconds <= 30 && calculated == expected ? "met" : "NOT met")}, recalculation {(recalculation.Elapsed.TotalSeconds <= 30 && recalculated == expected ? "met" : "NOT met")} | – |"
        );

        return calculated == expected && recalculated == expected ? 0 : 1;
    }

    /// <summary>Waits (at most 15 minutes) until every village has a run made after <paramref
    /// name="since"/> and stands calculated.</summary>
    private static async Task<int> WaitForRunsAsync(
        NpgsqlConnection connection,
        int year,
        DateTime since,
        int expected,
        Stopwatch clock
    )
    {
        int done;
        do
        {
            await Task.Delay(100);
            done = await connection.ExecuteScalarAsync<int>(
                """
                SELECT count(*)::int FROM village_years v JOIN calculation_runs r ON r.id = v.run_id
                WHERE v.year = @year AND v.state = 'calculated' AND r.created_at >= @since
                """,
                new { year, since }
            );
        } while (done < expected && clock.Elapsed < TimeSpan.FromMinutes(15));
        return done;
    }

    private static int Chunks(int records) => (records + ChunkSize - 1) / ChunkSize;

    private static SchemeTermsPublished Scheme(string village, int year, int index) =>
        new(
            Guid.NewGuid(),
            village,
            year,
            SchemeTermsSource.Approved,
            index % 2 == 0 ? MembershipBasis.Roster : MembershipBasis.InsuredInVillage,
            index % 3 == 0 ? StackingRule.Max : StackingRule.Sum,
            [
                new(SpecialGroup.Dibao, 200),
                new(SpecialGroup.Tekun, 300),
                new(SpecialGroup.SevereDisability, 200),
                new(SpecialGroup.Wubao, 300),
                new(SpecialGroup.PovertyMonitoring, 100),
            ],
            [new(500, 50), new(1000, 100), new(2000, 200), new(3000, 300)],
            index % 10 == 0 ? 5000 : 200000,
            1,
            "村股份经济合作社",
            null
        );
}
