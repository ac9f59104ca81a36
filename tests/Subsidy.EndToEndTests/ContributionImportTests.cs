using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using MiniExcelLibs;
using Subsidy.Contracts;
using static Subsidy.EndToEndTests.ContributionFiles;

namespace Subsidy.EndToEndTests;

[Collection(SystemCollection.Name)]
public class ContributionImportTests(SubsidySystem system) : IAsyncLifetime
{
    private static readonly int Year = BusinessDay.Today.Year;
    private static readonly string[] Villages = ["360222105201", "360222105202"];
    private EventProbe _events = null!;

    public async Task InitializeAsync()
    {
        var county = await system.GatewayAsAsync("county-bureau", "360222");
        foreach (var (code, i) in Villages.Select((c, i) => (c, i)))
        {
            var created = await county.PostAsJsonAsync(
                "/api/registry/divisions",
                new { code, name = $"导入村{i}" }
            );
            Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict);
        }
        await using var imports = await system.OpenDatabaseAsync("contribution_import");
        await Eventually.TrueAsync(
            async () =>
                await imports.ExecuteScalarAsync<int>(
                    "SELECT count(*) FROM known_divisions WHERE code = ANY(@Villages)",
                    new { Villages }
                ) == Villages.Length
                && await imports.ExecuteScalarAsync<int>(
                    "SELECT count(*) FROM known_policy_years WHERE year = @Year",
                    new { Year }
                ) > 0,
            "contribution-import to know the villages and the policy year"
        );
        _events = await EventProbe.StartAsync(
            system,
            typeof(ContributionBatchAccepted),
            typeof(VillageContributions)
        );
    }

    public async Task DisposeAsync() => await _events.DisposeAsync();

    private async Task<JsonObject> UploadAsync(
        byte[] file,
        string scope = "360222",
        string role = "county-centre",
        HttpStatusCode expected = HttpStatusCode.Accepted
    )
    {
        var client = await system.GatewayAsAsync(role, scope);
        var response = await client.PostAsync(
            $"/api/imports/contributions?scope={scope}&year={Year}&fileName=export.csv",
            new ByteArrayContent(file)
        );
        return await RegistryDriver.ReadAsync(response, expected);
    }

    private async Task<JsonObject> FinishedAsync(JsonObject batch, TimeSpan? timeout = null)
    {
        var client = await system.GatewayAsAsync("county-centre", "360222");
        var id = batch["id"]!.GetValue<string>();
        return await Eventually.GetAsync(
            async () =>
            {
                var current = await client.GetFromJsonAsync<JsonObject>(
                    $"/api/imports/batches/{id}"
                );
                return
                    current!["state"]!.GetValue<string>()
                        is "accepted"
                            or "rejected"
                            or "failed"
                            or "superseded"
                    ? current
                    : null;
            },
            $"batch {id} to finish",
            timeout ?? TimeSpan.FromSeconds(90)
        );
    }

    [Fact]
    public async Task Valid_utf8_export_is_accepted_and_reaches_the_calculation_village_by_village()
    {
        var rows = Rows(5000, Villages, Year, firstPerson: 1);
        var batch = await FinishedAsync(await UploadAsync(Csv(rows, new UTF8Encoding(false))));
        Assert.Equal("accepted", batch["state"]!.GetValue<string>());
        Assert.Equal(5000, batch["rowsAccepted"]!.GetValue<long>());

        var id = Guid.Parse(batch["id"]!.GetValue<string>());
        var accepted = await _events.WaitForAsync<ContributionBatchAccepted>(
            e => e.BatchId == id,
            "the accepted batch"
        );
        Assert.Equal(
            [new VillageRowCount(Villages[0], 2500, 2), new VillageRowCount(Villages[1], 2500, 2)],
            accepted.Villages
        );

        await Eventually.TrueAsync(
            () =>
                Task.FromResult(
                    _events.Received<VillageContributions>().Count(c => c.BatchId == id) == 4
                ),
            "four chunks"
        );
        var chunks = _events.Received<VillageContributions>().Where(c => c.BatchId == id).ToList();
        Assert.All(chunks, c => Assert.True(c.Records.Count <= 2000));
        Assert.Equal(5000, chunks.Sum(c => c.Records.Count));
        var first = chunks.Single(c => c.VillageCode == Villages[1] && c.ChunkIndex == 0).Records[
            0
        ];
        Assert.Equal(Id(1), first.IdNumber);
        Assert.Equal(ContributionItem.Personal, first.Item);
        Assert.Equal(new DateOnly(Year, 3, 15), first.PaidOn);
    }

    [Theory]
    [InlineData("gb18030", false)]
    [InlineData("utf-8", true)]
    public async Task Gb18030_and_utf8_with_bom_files_are_read_alike(string encodingName, bool bom)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var encoding =
            encodingName == "gb18030" ? Encoding.GetEncoding(54936) : new UTF8Encoding(true);
        var rows = Rows(50, Villages, Year, firstPerson: bom ? 20001 : 30001);
        rows[0][9] = "低保对象";
        var batch = await FinishedAsync(await UploadAsync(Csv(rows, encoding, bom)));
        Assert.Equal("accepted", batch["state"]!.GetValue<string>());

        await using var imports = await system.OpenDatabaseAsync("contribution_import");
        var names = await imports.QueryAsync<(byte[] Person, short? Group)>(
            "SELECT person, special_group FROM contribution_rows WHERE batch_id = @id::uuid AND row_no = 2",
            new { id = batch["id"]!.GetValue<string>() }
        );
        var (person, group) = Assert.Single(names);
        var personalData = await system.PersonalDataAsync("contribution_import");
        Assert.Equal(rows[0][0], personalData.OpenPerson(person).Name);
        Assert.Equal((short)SpecialGroup.Dibao, group);
    }

    [Fact]
    public async Task Every_value_of_a_record_is_stored_as_the_file_gave_it()
    {
        var village = Villages[0];
        string[][] rows =
        [
            Row(90001, village, Year, amount: 500),
            Row(90002, village, Year, amount: 550.5m, tier: ""),
            Row(90003, village, Year, amount: 0.01m, tier: ""),
            Row(90004, village, Year, amount: 12345678.9m, tier: ""),
            Row(90005, village, Year, amount: 10000, tier: ""),
            Row(
                90006,
                village,
                Year,
                amount: 3000,
                paidOn: $"{Year}-12-31",
                identity: "061",
                benefit: "已领取"
            ),
            Row(
                90007,
                village,
                Year - 3,
                amount: 1500,
                type: "补缴",
                paidOn: $"{Year}-01-01",
                tier: ""
            ),
        ];
        var batch = await FinishedAsync(await UploadAsync(Csv(rows, new UTF8Encoding(false))));
        Assert.Equal("accepted", batch["state"]!.GetValue<string>());

        await using var imports = await system.OpenDatabaseAsync("contribution_import");
        var stored = (
            await imports.QueryAsync<(
                int Row,
                string? Tier,
                string Amount,
                DateTime PaidOn,
                short Year,
                string Village,
                string? Identity,
                short? Group,
                bool Benefits
            )>(
                """
                SELECT row_no, tier::text, amount::text, paid_on::timestamp, year, village_code, identity,
                       special_group, receiving_benefits
                FROM contribution_rows WHERE batch_id = @id::uuid ORDER BY row_no
                """,
                new { id = batch["id"]!.GetValue<string>() }
            )
        ).ToList();
        Assert.Equal([2, 3, 4, 5, 6, 7, 8], stored.Select(s => s.Row));
        Assert.Equal(
            ["500.00", "550.50", "0.01", "12345678.90", "10000.00", "3000.00", "1500.00"],
            stored.Select(s => s.Amount)
        );
        Assert.Equal(
            ["500.00", null, null, null, null, "3000.00", null],
            stored.Select(s => s.Tier)
        );
        Assert.Equal(new DateTime(Year, 3, 15), stored[0].PaidOn);
        Assert.Equal(new DateTime(Year, 12, 31), stored[5].PaidOn);
        Assert.Equal(new DateTime(Year, 1, 1), stored[6].PaidOn);
        Assert.Equal((short)(Year - 3), stored[6].Year);
        Assert.All(stored, s => Assert.Equal(village, s.Village));
        Assert.Equal("061", stored[5].Identity);
        Assert.Equal((short)SpecialGroup.Dibao, stored[5].Group);
        Assert.True(stored[5].Benefits);
        Assert.All(stored.Take(5), s => Assert.False(s.Benefits));
        Assert.All(stored.Take(5), s => Assert.Null(s.Group));
    }

    [Fact]
    public async Task Workbook_with_title_rows_above_the_header_is_read()
    {
        var rows = Rows(30, Villages, Year, firstPerson: 40001);
        var batch = await FinishedAsync(await UploadAsync(Xlsx(rows, Year)));
        Assert.Equal("accepted", batch["state"]!.GetValue<string>());
        Assert.Equal(30, batch["rowsAccepted"]!.GetValue<long>());
    }

    public static TheoryData<string, int, string, string> BadFiles() =>
        new()
        {
            { "wrong-check-digit", 3, "公民身份号码", "校验码" },
            { "impossible-birth-date", 3, "公民身份号码", "出生日期" },
            { "unknown-village", 3, "行政区划代码", "没有这个村" },
            { "negative-amount", 3, "缴费金额", "须大于0" },
            { "three-decimals", 3, "缴费金额", "两位小数" },
            { "bad-date", 3, "到账日期", "日期无法识别" },
            { "unknown-item", 3, "缴费项目", "缴费项目无法识别" },
            { "unknown-type", 3, "缴费类型", "缴费类型无法识别" },
            { "unconfigured-tier", 3, "缴费档次", "缴费档次" },
            { "later-year", 3, "缴费年度", "晚于本次导入的年度" },
            { "missing-column", 1, "到账日期", "找不到" },
            { "duplicate-row", 5, "公民身份号码", "与第2行重复" },
        };

    [Fact]
    public async Task The_rows_of_a_rejected_file_are_counted_as_rejected_in_the_business_metrics()
    {
        var before = await ScrapedMetrics.ReadAsync(system, "contribution-import");
        var rows = Rows(7, Villages, Year, firstPerson: 70_000);
        rows[3][7] = "-5";
        Assert.Equal(
            "rejected",
            (await FinishedAsync(await UploadAsync(Csv(rows, new UTF8Encoding(false)))))[
                "state"
            ]!.GetValue<string>()
        );
        // Counted just after the batch's state is written.
        var after = await Eventually.GetAsync(
            async () =>
                await ScrapedMetrics.ReadAsync(system, "contribution-import") is var m
                && m.Sum("subsidy_import_rows_rejected_total")
                    > before.Sum("subsidy_import_rows_rejected_total")
                    ? m
                    : null,
            "the rejected rows to be counted",
            TimeSpan.FromSeconds(10)
        );
        Assert.Equal(
            7,
            after.Sum("subsidy_import_rows_rejected_total")
                - before.Sum("subsidy_import_rows_rejected_total")
        );
        Assert.Equal(
            0,
            after.Sum("subsidy_import_rows_accepted_total")
                - before.Sum("subsidy_import_rows_accepted_total")
        );
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_file_with_a_bad_row_is_rejected_whole_with_the_row_and_column_in_its_report(
        string problem,
        int row,
        string column,
        string reason
    )
    {
        var rows = Rows(3, Villages, Year, firstPerson: 50_000 + problem.Sum(c => c) * 10);
        string[]? header = null;
        switch (problem)
        {
            case "wrong-check-digit":
                rows[1][1] = rows[1][1][..17] + (rows[1][1][17] == '0' ? '1' : '0');
                break;
            case "impossible-birth-date":
                var id = "36022219810230" + "123";
                rows[1][1] = id + IdNumber.CheckCharacter(id);
                break;
            case "unknown-village":
                rows[1][2] = "360222105299";
                break;
            case "negative-amount":
                rows[1][7] = "-5";
                break;
            case "three-decimals":
                rows[1][7] = "12.345";
                break;
            case "bad-date":
                rows[1][8] = $"{Year}/13/45";
                break;
            case "unknown-item":
                rows[1][4] = "个人补贴";
                break;
            case "unknown-type":
                rows[1][5] = "提前缴费";
                break;
            case "unconfigured-tier":
                rows[1][6] = "550";
                break;
            case "later-year":
                rows[1][3] = (Year + 1).ToString();
                break;
            case "missing-column":
                header = ContributionFiles.Header.Where(h => h != "到账日期").ToArray();
                rows = rows.Select(r => r.Where((_, i) => i != 8).ToArray()).ToList();
                break;
            case "duplicate-row":
                rows.Add(rows[0]);
                break;
        }
        var batch = await FinishedAsync(
            await UploadAsync(Csv(rows, new UTF8Encoding(false), header: header))
        );
        Assert.Equal("rejected", batch["state"]!.GetValue<string>());
        Assert.Equal(0, batch["rowsAccepted"]!.GetValue<long>());
        var id2 = batch["id"]!.GetValue<string>();

        var client = await system.GatewayAsAsync("county-centre", "360222");
        var csv = await client.GetStringAsync($"/api/imports/batches/{id2}/errors.csv");
        var lines = csv.TrimStart('\uFEFF')
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .Concat(csv.Split('\n'))
            .ToList();
        Assert.StartsWith("行号,列,值,原因", csv.TrimStart('\uFEFF'));
        Assert.Contains(lines, l => l.StartsWith($"{row},{column},") && l.Contains(reason));

        var xlsx = await client.GetByteArrayAsync($"/api/imports/batches/{id2}/errors.xlsx");
        var cells = new MemoryStream(xlsx)
            .Query(useHeaderRow: true)
            .Cast<IDictionary<string, object>>()
            .ToList();
        Assert.Contains(cells, c =>
            Convert.ToInt32(c["行号"]) == row
            && (string)c["列"] == column
            && ((string)c["原因"]).Contains(reason)
        );

        await using var imports = await system.OpenDatabaseAsync("contribution_import");
        Assert.Equal(
            0,
            await imports.ExecuteScalarAsync<int>(
                "SELECT count(*) FROM contribution_rows WHERE batch_id = @id::uuid",
                new { id = id2 }
            )
        );
    }

    [Fact]
    public async Task The_same_file_twice_is_the_same_batch()
    {
        var file = Csv(Rows(20, Villages, Year, firstPerson: 60001), new UTF8Encoding(false));
        var first = await FinishedAsync(await UploadAsync(file));
        var again = await UploadAsync(file, expected: HttpStatusCode.OK);
        Assert.Equal(first["id"]!.GetValue<string>(), again["id"]!.GetValue<string>());
        Assert.True(again["sameFileAsBefore"]!.GetValue<bool>());

        // The copy was read and checked as it arrived; of that, nothing is left: no batch, no
        // records.
        await using var imports = await system.OpenDatabaseAsync("contribution_import");
        Assert.Equal(
            0,
            await imports.ExecuteScalarAsync<int>(
                "SELECT count(*) FROM import_batches WHERE state = 'uploading'"
            )
        );
        Assert.Equal(
            0,
            await imports.ExecuteScalarAsync<int>(
                "SELECT count(*) FROM contribution_rows r WHERE NOT EXISTS (SELECT 1 FROM import_batches b WHERE b.id = r.batch_id)"
            )
        );
        Assert.Equal(
            20,
            await imports.ExecuteScalarAsync<int>(
                "SELECT count(*) FROM contribution_rows WHERE batch_id = @id::uuid",
                new { id = first["id"]!.GetValue<string>() }
            )
        );
    }

    [Fact]
    public async Task An_export_is_read_and_checked_while_it_is_still_arriving()
    {
        const int count = 120_000;
        var file = Csv(
            Rows(count, Villages, Year, firstPerson: 1_000_000),
            new UTF8Encoding(false)
        );
        var fileName = $"live-{Guid.NewGuid():N}.csv";
        var rest = new TaskCompletionSource();
        var client = await system.GatewayAsAsync("county-centre", "360222");
        // The first half (some 6 MB, 60,000 rows) is sent; the rest waits until the service shows
        // progress.
        var upload = client.PostAsync(
            $"/api/imports/contributions?scope=360222&year={Year}&fileName={fileName}",
            new PausingContent(file, file.Length / 2, rest.Task)
        );

        await using var imports = await system.OpenDatabaseAsync("contribution_import");
        var early = await Eventually.GetAsync(
            async () =>
                await imports.QuerySingleOrDefaultAsync<BatchProgress>(
                    "SELECT state, rows_read AS RowsRead FROM import_batches WHERE file_name = @fileName AND rows_read > 0",
                    new { fileName }
                ),
            "rows to be read before the file has fully arrived",
            TimeSpan.FromSeconds(60)
        );
        Assert.Equal("uploading", early.State);
        Assert.InRange(early.RowsRead, 1, count / 2);

        rest.SetResult();
        var batch = await FinishedAsync(
            await RegistryDriver.ReadAsync(await upload, HttpStatusCode.Accepted)
        );
        Assert.Equal(
            ("accepted", count),
            (batch["state"]!.GetValue<string>(), batch["rowsAccepted"]!.GetValue<int>())
        );
        Assert.Equal(
            count,
            await imports.ExecuteScalarAsync<int>(
                "SELECT count(*) FROM contribution_rows WHERE batch_id = @id::uuid",
                new { id = batch["id"]!.GetValue<string>() }
            )
        );
    }

    private sealed record BatchProgress(string State, long RowsRead);

    /// <summary>A request body sent in two parts, the second once <paramref name="rest"/>
    /// completes.</summary>
    private sealed class PausingContent(byte[] file, int pauseAt, Task rest) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(
            Stream stream,
            System.Net.TransportContext? context
        )
        {
            await stream.WriteAsync(file.AsMemory(0, pauseAt));
            await stream.FlushAsync();
            await rest.WaitAsync(TimeSpan.FromSeconds(90));
            await stream.WriteAsync(file.AsMemory(pauseAt));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = file.Length;
            return true;
        }
    }

    [Fact]
    public async Task A_newer_accepted_batch_supersedes_the_older_and_the_calculation_is_told()
    {
        const string township = "360222105";
        var older = await FinishedAsync(
            await UploadAsync(
                Csv(Rows(10, Villages, Year, firstPerson: 70001), new UTF8Encoding(false)),
                township
            )
        );
        Assert.Equal("accepted", older["state"]!.GetValue<string>());
        var newer = await FinishedAsync(
            await UploadAsync(
                Csv(Rows(12, Villages, Year, firstPerson: 70001), new UTF8Encoding(false)),
                township
            )
        );
        Assert.Equal("accepted", newer["state"]!.GetValue<string>());

        var client = await system.GatewayAsAsync("county-centre", "360222");
        var olderNow = await client.GetFromJsonAsync<JsonObject>(
            $"/api/imports/batches/{older["id"]}"
        );
        Assert.Equal("superseded", olderNow!["state"]!.GetValue<string>());
        Assert.Equal(newer["id"]!.GetValue<string>(), olderNow["supersededBy"]!.GetValue<string>());
        var announcement = await _events.WaitForAsync<ContributionBatchAccepted>(
            e => e.BatchId == Guid.Parse(newer["id"]!.GetValue<string>()),
            "the newer batch"
        );
        Assert.Contains(Guid.Parse(older["id"]!.GetValue<string>()), announcement.Supersedes);
    }

    [Fact]
    public async Task Only_officers_of_the_area_may_upload_and_read()
    {
        var file = Csv(Rows(2, Villages, Year, firstPerson: 80001), new UTF8Encoding(false));
        var clerk = await system.GatewayAsAsync("village-clerk", Villages[0]);
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (
                await clerk.PostAsync(
                    $"/api/imports/contributions?scope=360222&year={Year}",
                    new ByteArrayContent(file)
                )
            ).StatusCode
        );
        var otherCounty = await system.GatewayAsAsync("county-centre", "360281");
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (
                await otherCounty.PostAsync(
                    $"/api/imports/contributions?scope=360222&year={Year}",
                    new ByteArrayContent(file)
                )
            ).StatusCode
        );
        var batch = await UploadAsync(file);
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await otherCounty.GetAsync($"/api/imports/batches/{batch["id"]}")).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (
                await otherCounty.GetAsync($"/api/imports/batches/{batch["id"]}/errors.csv")
            ).StatusCode
        );
    }

    [Fact]
    public async Task A_service_killed_in_the_middle_of_a_large_batch_finishes_it_after_restart_with_nothing_half_stored()
    {
        const int count = 400_000;
        var file = Csv(Rows(count, Villages, Year, firstPerson: 100_000), new UTF8Encoding(false));
        var batch = await UploadAsync(file);
        var id = batch["id"]!.GetValue<string>();
        await using var imports = await system.OpenDatabaseAsync("contribution_import");
        await Eventually.TrueAsync(
            async () =>
                await imports.ExecuteScalarAsync<long>(
                    "SELECT rows_read FROM import_batches WHERE id = @id::uuid",
                    new { id }
                ) > 0,
            "processing to be under way",
            TimeSpan.FromSeconds(120)
        );

        await system.StopResourceAsync("contribution-import");
        var stateAtKill = await imports.ExecuteScalarAsync<string>(
            "SELECT state FROM import_batches WHERE id = @id::uuid",
            new { id }
        );
        Assert.Equal("processing", stateAtKill);
        Assert.Equal(
            0,
            await imports.ExecuteScalarAsync<int>(
                "SELECT count(*) FROM contribution_rows WHERE batch_id = @id::uuid",
                new { id }
            )
        );

        await system.StartResourceAsync("contribution-import");
        var finished = await FinishedAsync(batch, TimeSpan.FromMinutes(5));
        Assert.Equal("accepted", finished["state"]!.GetValue<string>());
        Assert.Equal(
            count,
            await imports.ExecuteScalarAsync<int>(
                "SELECT count(*) FROM contribution_rows WHERE batch_id = @id::uuid",
                new { id }
            )
        );
        Assert.Equal(
            count,
            await imports.ExecuteScalarAsync<int>(
                "SELECT count(DISTINCT row_no) FROM contribution_rows WHERE batch_id = @id::uuid",
                new { id }
            )
        );
    }
}

[Collection(SystemCollection.Name)]
public class RosterImportTests(SubsidySystem system)
{
    private const string Village = "360222105203";
    private static readonly int Year = BusinessDay.Today.Year;

    private static byte[] Roster(params string[][] rows)
    {
        var text = new StringBuilder("集体经济组织成员名册\r\n姓名,公民身份号码,特殊群体\r\n");
        foreach (var row in rows)
            text.Append(string.Join(',', row)).Append("\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private async Task<JsonObject> UploadAsync(
        byte[] file,
        string village = Village,
        HttpStatusCode expected = HttpStatusCode.Accepted
    )
    {
        var clerk = await system.GatewayAsAsync("village-clerk", village);
        var response = await clerk.PostAsync(
            $"/api/imports/rosters?village={village}&year={Year}",
            new ByteArrayContent(file)
        );
        var batch = await RegistryDriver.ReadAsync(response, expected);
        if (expected != HttpStatusCode.Accepted)
            return batch;
        return await Eventually.GetAsync(
            async () =>
            {
                var current = await clerk.GetFromJsonAsync<JsonObject>(
                    $"/api/imports/batches/{batch["id"]}"
                );
                return current!["state"]!.GetValue<string>() is "accepted" or "rejected" or "failed"
                    ? current
                    : null;
            },
            "the roster to be processed"
        );
    }

    [Fact]
    public async Task A_village_roster_is_accepted_with_special_groups_and_replaces_the_previous_one()
    {
        var county = await system.GatewayAsAsync("county-bureau", "360222");
        var created = await county.PostAsJsonAsync(
            "/api/registry/divisions",
            new { code = Village, name = "名册村" }
        );
        Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict);
        await Eventually.TrueAsync(
            async () =>
                (await county.GetAsync($"/api/imports/divisions/{Village}")).IsSuccessStatusCode,
            "the village to be known"
        );
        await using var events = await EventProbe.StartAsync(system, typeof(RosterAccepted));

        var first = await UploadAsync(
            Roster(["张三", Id(900001), "低保对象"], ["李四", Id(900002), ""])
        );
        Assert.Equal("accepted", first["state"]!.GetValue<string>());
        var second = await UploadAsync(
            Roster(
                ["张三", Id(900001), "061"],
                ["李四", Id(900002), "五保户"],
                ["王五", Id(900003), "011"]
            )
        );
        Assert.Equal("accepted", second["state"]!.GetValue<string>());

        var roster = await events.WaitForAsync<RosterAccepted>(
            e => e.BatchId == Guid.Parse(second["id"]!.GetValue<string>()),
            "the second roster"
        );
        Assert.Equal(Village, roster.VillageCode);
        Assert.Equal(
            [SpecialGroup.Dibao, SpecialGroup.Wubao, null],
            roster.Members.Select(m => m.SpecialGroup)
        );
        Assert.Contains(Guid.Parse(first["id"]!.GetValue<string>()), roster.Supersedes);

        var wrong = await UploadAsync(
            Roster(
                ["张三", Id(900001), "低保对象"],
                ["张三", Id(900001), "低保对象"],
                ["赵六", Id(900004)[..17] + (Id(900004)[17] == '0' ? "1" : "0"), ""],
                ["钱七", Id(900005), "军属"]
            )
        );
        Assert.Equal("rejected", wrong["state"]!.GetValue<string>());
        var clerk = await system.GatewayAsAsync("village-clerk", Village);
        var report = await clerk.GetStringAsync($"/api/imports/batches/{wrong["id"]}/errors.csv");
        // The report names the row and shows the number masked: whoever reads it has the file.
        Assert.Contains("4,公民身份号码," + IdNumber.Mask(Id(900001)) + ",与第3行是同一人", report);
        var wrongCheck = Id(900004)[..17] + (Id(900004)[17] == '0' ? "1" : "0");
        Assert.Contains("5,公民身份号码," + IdNumber.Mask(wrongCheck) + ",校验码错误", report);
        Assert.DoesNotContain(Id(900001), report);
        Assert.DoesNotContain(wrongCheck, report);
        Assert.Contains("6,特殊群体,军属,特殊群体类别无法识别", report);

        var other = await system.GatewayAsAsync("village-clerk", "360222105204");
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (
                await other.PostAsync(
                    $"/api/imports/rosters?village={Village}&year={Year}",
                    new ByteArrayContent(Roster(["张三", Id(900001), ""]))
                )
            ).StatusCode
        );
    }
}
