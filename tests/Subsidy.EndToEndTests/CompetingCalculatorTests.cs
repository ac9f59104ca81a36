using Calculation.Inputs;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Subsidy.EndToEndTests;

/// <summary>Two more calculator instances beside the running service's, on its database: each
/// village-year is taken by exactly one.</summary>
[Collection(SystemCollection.Name)]
public class CompetingCalculatorTests(SubsidySystem system)
{
    private const int Year = 1999; // a year no other test uses: none of these villages has inputs, each ends waiting

    // Every write of a village-year of this year, and which calculator's connection made it: a
    // village-year taken twice (by our instances or the service's own) is written twice. Dropped
    // again when the test ends.
    private static readonly string WatchSql = $"""
        CREATE TABLE IF NOT EXISTS test_village_year_writes (village_code text NOT NULL, year int NOT NULL, writer text NOT NULL);
        CREATE OR REPLACE FUNCTION test_record_village_year_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO test_village_year_writes VALUES (NEW.village_code, NEW.year,
                current_setting('application_name'));
            RETURN NULL;
        END $$;
        DROP TRIGGER IF EXISTS test_village_year_writes ON village_years;
        CREATE TRIGGER test_village_year_writes AFTER INSERT OR UPDATE ON village_years
            FOR EACH ROW WHEN (NEW.year = {Year}) EXECUTE FUNCTION test_record_village_year_write();
        """;

    private const string UnwatchSql = """
        DROP TRIGGER IF EXISTS test_village_year_writes ON village_years;
        DROP FUNCTION IF EXISTS test_record_village_year_write();
        DROP TABLE IF EXISTS test_village_year_writes;
        """;

    [Fact]
    public async Task Competing_calculators_share_the_pending_villages_and_take_each_exactly_once()
    {
        var villages = Enumerable.Range(0, 300).Select(i => $"360222199{i + 1:000}").ToArray();
        await using var check = await system.OpenDatabaseAsync("calculation");
        await check.ExecuteAsync(WatchSql);
        try
        {
            // Written without NOTIFY, so the service's own calculator only finds them on its
            // periodic look.
            await check.ExecuteAsync(
                "INSERT INTO pending_village_years (village_code, year) SELECT unnest(@villages), @year",
                new { villages, year = Year }
            );
            var server = await system.ServerConnectionStringAsync();
            var configuration = new ConfigurationBuilder().Build();
            async Task<int> RunAsync(string name)
            {
                await using var dataSource = NpgsqlDataSource.Create(
                    new NpgsqlConnectionStringBuilder(server)
                    {
                        Database = "calculation",
                        ApplicationName = name,
                    }.ConnectionString
                );
                var calculator = new VillageYearCalculator(
                    dataSource,
                    NullLogger<VillageYearCalculator>.Instance,
                    configuration
                );
                var taken = 0;
                while (await calculator.CalculateNextAsync(CancellationToken.None))
                    taken++;
                return taken;
            }
            var taken = await Task.WhenAll(
                RunAsync("competing-calculator-a"),
                RunAsync("competing-calculator-b")
            );

            // The service's own calculator may hold the last of them when both competitors find
            // nothing left: its write lands a moment later.
            var states = await Eventually.GetAsync(
                async () =>
                {
                    var read = (
                        await check.QueryAsync<(string Village, string State)>(
                            "SELECT village_code, state FROM village_years WHERE year = @year",
                            new { year = Year }
                        )
                    ).ToList();
                    return read.Count >= villages.Length ? read : null;
                },
                "every pending village-year to be written",
                TimeSpan.FromSeconds(30)
            );
            Assert.Equal(villages.Order(), states.Select(s => s.Village).Order());
            Assert.All(states, s => Assert.Equal("waiting-for-inputs", s.State));
            Assert.Equal(
                0,
                await check.ExecuteScalarAsync<int>(
                    "SELECT count(*)::int FROM pending_village_years WHERE year = @year",
                    new { year = Year }
                )
            );

            // Each village-year was written once, by one calculator (a second take would write it
            // again), and each instance took a share. An instance may also take other years'
            // pending village-years that other tests left behind: what it took is at least what it
            // wrote here.
            var writes = (
                await check.QueryAsync<(string Village, string Writer)>(
                    "SELECT village_code, writer FROM test_village_year_writes WHERE year = @year",
                    new { year = Year }
                )
            ).ToList();
            var twice = writes
                .GroupBy(w => w.Village)
                .Where(g => g.Count() > 1)
                .Select(g => $"{g.Key} by {string.Join(", ", g.Select(w => w.Writer))}")
                .ToList();
            Assert.True(
                twice.Count == 0,
                $"village-years taken more than once: {string.Join("; ", twice)}"
            );
            Assert.Equal(villages.Order(), writes.Select(w => w.Village).Order());
            foreach (
                var (name, took) in new[]
                {
                    ("competing-calculator-a", taken[0]),
                    ("competing-calculator-b", taken[1]),
                }
            )
            {
                var wrote = writes.Count(w => w.Writer == name);
                Assert.True(
                    wrote > 0 && wrote <= took,
                    $"{name} took {took} village-years and wrote {wrote} of this year's"
                );
            }
        }
        finally
        {
            await check.ExecuteAsync(UnwatchSql);
        }
    }
}
