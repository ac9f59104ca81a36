using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Crypto;
using static Subsidy.EndToEndTests.ContributionFiles;
using static Subsidy.EndToEndTests.SettlementDriver;

namespace Subsidy.EndToEndTests;

/// <summary>docs/security.md: residents' ID numbers and names are stored sealed with SM4 in every
/// database, found by their blind index, re-sealed under new keys while the system works, and a
/// database from before is sealed in place at its first start.</summary>
[Collection(SystemCollection.Name)]
public sealed class PersonalDataAtRestTests(SubsidySystem system)
{
    private const string DumpedVillage = "360222113481";
    private const int DumpedFirst = 913_001;
    private const string CalmVillage = "360222114481";
    private const string RotatedVillage = "360222115481";
    private const string Services =
        "contribution_import calculation document identity scheme_registry";

    [Fact]
    public async Task After_a_county_year_a_dump_of_every_database_holds_none_of_its_ID_numbers_or_names()
    {
        var driver = new SettlementDriver(system);
        await driver.Registry.TownshipAsync(DumpedVillage, "加密镇");
        var people = Enumerable.Range(DumpedFirst, 12).ToList();
        await driver.CalculatedAsync(
            DumpedVillage,
            "加密村",
            people.Select(p => (p, p == DumpedFirst ? "低保对象" : "")),
            people.Select(p => Row(p, DumpedVillage, Year, p % 2 == 0 ? 500 : 1000))
        );
        var clerk = await driver.Registry.Clerk(DumpedVillage);
        await StepAsync(clerk, DumpedVillage, "confirm", HttpStatusCode.OK);
        await StepAsync(clerk, DumpedVillage, "notice", HttpStatusCode.OK);
        await StepAsync(
            clerk,
            DumpedVillage,
            "objections",
            HttpStatusCode.OK,
            new { idNumber = Id(DumpedFirst + 1), complaint = "测算结果与缴费不符" },
            Today.AddDays(1)
        );
        var objection = (
            await (await driver.Centre()).GetFromJsonAsync<JsonArray>(
                Path(DumpedVillage, "objections")
            )
        )![0]!["id"]!.GetValue<string>();
        await StepAsync(
            await driver.Registry.Township(DumpedVillage),
            DumpedVillage,
            $"objections/{objection}/dismiss",
            HttpStatusCode.OK,
            new { reason = "经核实缴费记录无误" },
            Today.AddDays(2)
        );
        await StepAsync(
            clerk,
            DumpedVillage,
            "notice/close",
            HttpStatusCode.OK,
            on: Today.AddDays(7)
        );
        await StepAsync(clerk, DumpedVillage, "application", HttpStatusCode.OK);
        var centre = await driver.Centre();
        await StepAsync(centre, DumpedVillage, "approval", HttpStatusCode.OK);
        await StepAsync(centre, DumpedVillage, "payment-notice", HttpStatusCode.OK);
        await driver.CreditedAsync(DumpedVillage);
        await Eventually.TrueAsync(
            async () =>
                (
                    await centre.GetFromJsonAsync<JsonArray>(
                        $"/api/documents?division={DumpedVillage}&year={Year}&kind=credited-csv"
                    )
                )!.Count == 1,
            "the credited-details export, which holds full ID numbers"
        );
        // A rejected file keeps its wrong values, ID numbers among them.
        var wrongId = Id(DumpedFirst + 20)[..17] + (Id(DumpedFirst + 20)[17] == '1' ? "2" : "1");
        var rejected = Row(DumpedFirst + 20, DumpedVillage, Year);
        rejected[1] = wrongId;
        Assert.Equal(
            HttpStatusCode.Accepted,
            (
                await centre.PostAsync(
                    $"/api/imports/contributions?scope={DumpedVillage[..9]}&year={Year}",
                    new ByteArrayContent(Csv([rejected], new UTF8Encoding(false)))
                )
            ).StatusCode
        );

        // What the services show, they still read: the API answers names and numbers.
        var shown = await driver.WholeAsync(DumpedVillage);
        Assert.Equal(
            $"测试{DumpedFirst}",
            Members(shown!)[Id(DumpedFirst)]["name"]!.GetValue<string>()
        );

        var needles = people
            .Append(DumpedFirst + 20)
            .SelectMany(p => new[] { Id(p), $"测试{p}" })
            .Append(wrongId)
            .ToList();
        // Plain text in a json or text column, or inside a bytea (a document, an uploaded file),
        // which the dump writes in hex.
        var hexNeedles = needles.Select(n => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(n)));
        var found = await FindInDumpAsync([.. needles, .. hexNeedles]);
        Assert.True(found.Count == 0, "the dump holds: " + string.Join("; ", found));
    }

    [Fact]
    public async Task Data_keys_rotated_while_an_export_is_imported_and_calculated_leave_every_result_as_a_calm_year_gives()
    {
        var driver = new SettlementDriver(system);
        await driver.Registry.TownshipAsync(CalmVillage, "密钥甲镇");
        await driver.Registry.TownshipAsync(RotatedVillage, "密钥乙镇");
        const int members = 400;
        var calm = await driver.CalculatedAsync(
            CalmVillage,
            "密钥甲村",
            Enumerable.Range(914_001, members).Select(p => (p, "")),
            Enumerable.Range(914_001, members).Select(p => Row(p, CalmVillage, Year, Amount(p)))
        );
        var calmResults = Lines(calm);

        await driver.Registry.ActiveVillageAsync(RotatedVillage, "密钥乙村");
        var scheme = await driver.Registry.DraftAsync(RotatedVillage, Year, Today);
        await driver.Registry.ApproveAsync(RotatedVillage, scheme, Today);
        await Eventually.TrueAsync(
            async () =>
                (
                    await (await driver.Registry.CountyBureau()).GetAsync(
                        $"/api/imports/divisions/{RotatedVillage}"
                    )
                ).IsSuccessStatusCode,
            "the village to be known to the import"
        );
        await driver.RosterAsync(
            RotatedVillage,
            Enumerable.Range(915_001, members).Select(p => (p, ""))
        );
        var upload = await RegistryDriver.ReadAsync(
            await (await driver.Centre()).PostAsync(
                $"/api/imports/contributions?scope={RotatedVillage[..9]}&year={Year}",
                new ByteArrayContent(
                    Csv(
                        Enumerable
                            .Range(915_001, members)
                            .Select(p => Row(p, RotatedVillage, Year, Amount(p))),
                        new UTF8Encoding(false)
                    )
                )
            ),
            HttpStatusCode.Accepted
        );
        var before = await ActiveKeysAsync();
        var (exit, output) = await AdminTool.RunAsync(
            system,
            Directory.GetCurrentDirectory(),
            "keys",
            "rotate-data"
        );
        Assert.True(exit == 0, output);

        var rotated = await driver.CalculatedFromAsync(
            RotatedVillage,
            upload["id"]!.GetValue<string>()
        );
        await Eventually.TrueAsync(
            async () =>
                (
                    await AdminTool.RunAsync(
                        system,
                        Directory.GetCurrentDirectory(),
                        "keys",
                        "status"
                    )
                )
                    .Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .All(line => line.Contains("全部数据已用其加密", StringComparison.Ordinal)),
            "every database's values re-sealed under its new key",
            TimeSpan.FromMinutes(3)
        );

        var after = await ActiveKeysAsync();
        Assert.All(before, b => Assert.True(after[b.Key] > b.Value, $"{b.Key}: no new data key"));
        // The year calculated during the rotation gives what the calm year gave, member by member;
        // the calm year reads back as it was.
        Assert.Equal(calmResults, Lines(rotated));
        var calmAgain = await driver.WholeAsync(CalmVillage);
        Assert.Equal(calmResults, Lines(calmAgain!));
        Assert.Equal(
            Enumerable.Range(914_001, members).Select(p => (Id(p), $"测试{p}")).Order(),
            Members(calmAgain!).Select(m => (m.Key, m.Value["name"]!.GetValue<string>())).Order()
        );
        // Every stored value of both years is sealed under the new key.
        await using var calculation = await system.OpenDatabaseAsync("calculation");
        var keys = await calculation.QueryAsync<int>(
            """
            SELECT DISTINCT get_byte(m.person, 1) * 256 + get_byte(m.person, 2)
            FROM village_years v JOIN member_results m ON m.run_id = v.run_id
            WHERE v.village_code IN (@calm, @rotated)
            """,
            new { calm = CalmVillage, rotated = RotatedVillage }
        );
        Assert.Equal([after["calculation"]], keys);
        await using var imports = await system.OpenDatabaseAsync("contribution_import");
        var personalData = await system.PersonalDataAsync("contribution_import");
        var rows = (
            await imports.QueryAsync<(int RowNo, byte[] Person)>(
                "SELECT row_no, person FROM contribution_rows WHERE batch_id = @id::uuid ORDER BY row_no",
                new { id = upload["id"]!.GetValue<string>() }
            )
        ).ToList();
        Assert.Equal(members, rows.Count);
        Assert.All(rows, r =>
            Assert.Equal(after["contribution_import"], PersonalData.KeyIdOf(r.Person))
        );
        Assert.Equal(
            Enumerable.Range(915_001, members).Select(p => Id(p)),
            rows.Select(r => personalData.OpenPerson(r.Person).IdNumber)
        );
    }

    [Fact]
    public async Task Plain_personal_data_from_before_the_change_is_sealed_in_place_when_the_service_starts()
    {
        var batch = Guid.CreateVersion7();
        var id = Id(916_001);
        await using (var imports = await system.OpenDatabaseAsync("contribution_import"))
        {
            // As a database from before kept them: name and ID number in plain columns, and no
            // record of the table's sealing.
            await imports.ExecuteAsync(
                "DELETE FROM sealed_in_place WHERE table_name = 'contribution_rows'"
            );
            await imports.ExecuteAsync(
                """
                INSERT INTO contribution_rows (batch_id, row_no, name, id_number, village_code, year, item,
                    pay_type, tier, amount, paid_on, receiving_benefits)
                VALUES (@batch, 2, '旧库居民', @id, '360222116481', 2025, 1, 1, 500, 500, '2025-03-15', false)
                """,
                new { batch, id }
            );
        }
        await system.StopResourceAsync("contribution-import");
        await system.StartResourceAsync("contribution-import");

        await using var after = await system.OpenDatabaseAsync("contribution_import");
        var row = await after.QuerySingleAsync<(
            string? Name,
            string? IdNumber,
            byte[] Person,
            byte[] IdIndex
        )>(
            "SELECT name, id_number, person, id_index FROM contribution_rows WHERE batch_id = @batch",
            new { batch }
        );
        var personalData = await system.PersonalDataAsync("contribution_import");
        Assert.Null(row.Name);
        Assert.Null(row.IdNumber);
        Assert.Equal(("旧库居民", id), personalData.OpenPerson(row.Person));
        Assert.Equal(personalData.IdIndex(id), row.IdIndex);
        await after.ExecuteAsync(
            "DELETE FROM contribution_rows WHERE batch_id = @batch",
            new { batch }
        );
    }

    [Fact]
    public async Task The_in_place_sealing_stopped_half_way_is_taken_up_again_and_seals_every_row_once()
    {
        await using var dataSource = await system.OwnDatabaseAsync("personal_data_migration");
        await using (var setUp = await dataSource.OpenConnectionAsync())
        {
            await setUp.ExecuteAsync(
                """
                DROP TABLE IF EXISTS people, memberships;
                CREATE TABLE people (n int, name text, id_number text, person bytea, id_index bytea);
                CREATE TABLE memberships (n int, id_number text, id_index bytea);
                INSERT INTO people (n, name, id_number) SELECT n, '居民' || n, 'ID' || n FROM generate_series(1, 1800) n;
                INSERT INTO memberships (n, id_number) SELECT n, 'ID' || n FROM generate_series(1, 700) n;
                """
            );
        }
        var personalData = PersonalData.Current;
        var migration = new PersonalDataMigration(
            personalData,
            [
                new SealedColumn(
                    "people",
                    "person",
                    new PlainOrigin(
                        "convert_to(name || chr(31) || id_number, 'UTF8')",
                        ["name", "id_number"],
                        "id_index",
                        "id_number"
                    )
                ),
            ],
            [new BlindIndexColumn("memberships", "id_index", "id_number")]
        );
        // Stopped after its first batches, as a crash would stop it: what was done is committed.
        using (var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(150)))
        {
            try
            {
                await migration.SealPlainAsync(dataSource, stop.Token);
            }
            catch (OperationCanceledException) { }
        }
        await migration.SealPlainAsync(dataSource, CancellationToken.None);

        await using var check = await dataSource.OpenConnectionAsync();
        var people = (
            await check.QueryAsync<(
                int N,
                string? Name,
                string? IdNumber,
                byte[] Person,
                byte[] IdIndex
            )>("SELECT n, name, id_number, person, id_index FROM people ORDER BY n")
        ).ToList();
        Assert.Equal(1800, people.Count);
        Assert.All(people, p =>
        {
            Assert.Null(p.Name);
            Assert.Null(p.IdNumber);
            Assert.Equal(($"居民{p.N}", $"ID{p.N}"), personalData.OpenPerson(p.Person));
            Assert.Equal(personalData.IdIndex($"ID{p.N}"), p.IdIndex);
        });
        var memberships = (
            await check.QueryAsync<(int N, string? IdNumber, byte[] IdIndex)>(
                "SELECT n, id_number, id_index FROM memberships ORDER BY n"
            )
        ).ToList();
        Assert.Equal(700, memberships.Count);
        Assert.All(memberships, m =>
        {
            Assert.Null(m.IdNumber);
            Assert.Equal(personalData.IdIndex($"ID{m.N}"), m.IdIndex);
        });
    }

    /// <summary>Members' amounts vary, so the comparison covers both tiers.</summary>
    private static decimal Amount(int person) => person % 1000 % 3 == 0 ? 500 : 1000;

    /// <summary>A village-year's results as (position, amount, tier, exclusion): the same for two
    /// villages of alike members.</summary>
    private static List<string> Lines(JsonObject villageYear) =>
        villageYear["results"]!
            .AsArray()
            .Select(r => $"{r!["subsidy"]}|{r["tier"]}|{r["exclusion"]}|{r["own"]}")
            .ToList();

    private async Task<Dictionary<string, int>> ActiveKeysAsync()
    {
        var keys = new Dictionary<string, int>();
        foreach (var database in Services.Split(' '))
        {
            await using var connection = await system.OpenDatabaseAsync(database);
            keys[database] = await connection.ExecuteScalarAsync<int>(
                "SELECT id FROM data_keys WHERE purpose = 'data' AND active"
            );
        }
        return keys;
    }

    /// <summary>pg_dumpall of the whole server, as a backup tool would take it, searched line by
    /// line; the needles found.</summary>
    private async Task<List<string>> FindInDumpAsync(IReadOnlyList<string> needles)
    {
        var server = new NpgsqlConnectionStringBuilder(await system.ServerConnectionStringAsync());
        var dump = System.IO.Path.GetTempFileName();
        try
        {
            var start = new ProcessStartInfo(
                File.Exists("/usr/lib/postgresql/15/bin/pg_dumpall")
                    ? "/usr/lib/postgresql/15/bin/pg_dumpall"
                    : "pg_dumpall",
                [
                    "-h",
                    server.Host!,
                    "-p",
                    server.Port.ToString(),
                    "-U",
                    server.Username!,
                    "-f",
                    dump,
                ]
            )
            {
                RedirectStandardError = true,
            };
            start.Environment["PGPASSWORD"] = server.Password;
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(process.ExitCode == 0, await error);
            Assert.True(
                new FileInfo(dump).Length > 100_000,
                "the dump is too small to hold the year"
            );
            var found = new HashSet<string>();
            foreach (var line in File.ReadLines(dump))
            {
                foreach (var needle in needles)
                {
                    if (line.Contains(needle, StringComparison.Ordinal))
                        found.Add(needle);
                }
            }
            return [.. found];
        }
        finally
        {
            File.Delete(dump);
        }
    }
}
