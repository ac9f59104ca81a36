using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Npgsql;

namespace Subsidy.Benchmarks;

/// <summary>The import's baseline: <c>psql \copy</c> of the same file into a table with the same
/// columns and an index on the village.</summary>
public static class PsqlCopy
{
    public static async Task<TimeSpan> TimeAsync(DistributedApplication app, string file)
    {
        var server = await app.GetConnectionStringAsync("postgres-connection");
        var target = new NpgsqlConnectionStringBuilder(server) { Database = "contribution_import" };
        await using (var connection = new NpgsqlConnection(target.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand(
                """
                DROP TABLE IF EXISTS bench_copy;
                CREATE TABLE bench_copy (
                    name text NOT NULL, id_number text NOT NULL, village_code text NOT NULL, year smallint NOT NULL,
                    item text NOT NULL, pay_type text NOT NULL, tier numeric(12,2), amount numeric(12,2) NOT NULL,
                    paid_on date NOT NULL, identity text, benefit text);
                CREATE INDEX bench_copy_village ON bench_copy (village_code);
                """,
                connection
            );
            await create.ExecuteNonQueryAsync();
        }
        var psql = new ProcessStartInfo(
            "psql",
            [
                "-h",
                target.Host!,
                "-p",
                target.Port.ToString(CultureInfo.InvariantCulture),
                "-U",
                target.Username!,
                "-d",
                target.Database!,
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                $"\\copy bench_copy FROM '{file}' WITH (FORMAT csv, HEADER true)",
            ]
        )
        {
            RedirectStandardOutput = true,
        };
        psql.Environment["PGPASSWORD"] = target.Password;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psql)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException("psql \\copy failed");
        return clock.Elapsed;
    }
}
