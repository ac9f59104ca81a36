using Calculation.Inputs;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Subsidy.EndToEndTests;

/// <summary>Two more calculator instances beside the running service's, on its database: each village-year is taken by exactly one.</summary>
[Collection(SystemCollection.Name)]
public class CompetingCalculatorTests(SubsidySystem system)
{
    [Fact]
    public async Task Competing_calculators_share_the_pending_villages_and_take_each_exactly_once()
    {
        const int year = 1999;   // a year no other test uses: none of these villages has inputs, each ends waiting
        var villages = Enumerable.Range(0, 300).Select(i => $"360222199{i + 1:000}").ToArray();
        await using (var connection = await system.OpenDatabaseAsync("calculation"))
        {
            // Written without NOTIFY, so the service's own calculator only finds them on its periodic look.
            await connection.ExecuteAsync("INSERT INTO pending_village_years (village_code, year) SELECT unnest(@villages), @year", new { villages, year });
        }
        var database = new NpgsqlConnectionStringBuilder(await system.ServerConnectionStringAsync()) { Database = "calculation" }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(database);
        var configuration = new ConfigurationBuilder().Build();
        async Task<int> RunAsync()
        {
            var calculator = new VillageYearCalculator(dataSource, NullLogger<VillageYearCalculator>.Instance, configuration);
            var taken = 0;
            while (await calculator.CalculateNextAsync(CancellationToken.None)) taken++;
            return taken;
        }
        var taken = await Task.WhenAll(RunAsync(), RunAsync());

        Assert.All(taken, count => Assert.True(count > 0, $"each instance takes a share: {string.Join(" + ", taken)}"));
        await using var check = await system.OpenDatabaseAsync("calculation");
        var states = (await check.QueryAsync<(string Village, string State)>(
            "SELECT village_code, state FROM village_years WHERE year = @year", new { year })).ToList();
        Assert.Equal(villages.Length, states.Count);
        Assert.All(states, s => Assert.Equal("waiting-for-inputs", s.State));
        Assert.Equal(0, await check.ExecuteScalarAsync<int>("SELECT count(*)::int FROM pending_village_years WHERE year = @year", new { year }));
        Assert.True(taken.Sum() <= villages.Length);
    }
}
