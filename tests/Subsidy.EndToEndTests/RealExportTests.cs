using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MiniExcelLibs;
using Subsidy.Contracts;
using static Subsidy.EndToEndTests.ContributionFiles;

namespace Subsidy.EndToEndTests;

/// <summary>
/// The year's records as counties really export them (docs/design/01-purpose-and-reference-data.md,
/// docs/design/03-import.md, docs/design/04-calculation.md): back payments for earlier years,
/// corrected exports that no longer list a village, spreadsheets that stored codes as numbers,
/// China's business day, and one spelling of the codes — each through the gateway.
/// </summary>
[Collection(SystemCollection.Name)]
public class RealExportTests(SubsidySystem system)
{
    private static readonly int Year = SettlementDriver.Year;
    private static readonly DateOnly Today = SettlementDriver.Today;
    private readonly SettlementDriver _driver = new(system);

    private static object InsuredInVillage(DateOnly today) =>
        RegistryDriver.Terms(
            today.AddDays(-1),
            floors: new object[]
            {
                new { group = "dibao", amount = 200 },
                new { group = "poverty-monitoring", amount = 150 },
            },
            membership: "insured-in-village"
        );

    private async Task<JsonObject> UploadAsync(string scope, int year, byte[] file)
    {
        var centre = await _driver.Centre();
        var accepted = await RegistryDriver.ReadAsync(
            await centre.PostAsync(
                $"/api/imports/contributions?scope={scope}&year={year}",
                new ByteArrayContent(file)
            ),
            HttpStatusCode.Accepted
        );
        var batch = await Eventually.GetAsync(
            async () =>
            {
                var current = await centre.GetFromJsonAsync<JsonObject>(
                    $"/api/imports/batches/{accepted["id"]}"
                );
                return current!["state"]!.GetValue<string>() is "accepted" or "rejected" or "failed"
                    ? current
                    : null;
            },
            "the export to be processed"
        );
        return batch;
    }

    private async Task<JsonObject> RunAsync(
        string village,
        Func<JsonObject, bool> until,
        string what,
        int? year = null
    ) =>
        await Eventually.GetAsync(
            async () =>
            {
                var body = await (await _driver.Observer()).GetFromJsonAsync<JsonObject>(
                    $"/api/calculation/village-years/{village}/{year ?? Year}"
                );
                if (body!["run"] is null || !until(body))
                    return null;
                // The members by their whole numbers, as the county centre reads them.
                var whole = await _driver.WholeAsync(village, year);
                return whole["run"] is not null && until(whole) ? whole : null;
            },
            what
        );

    [Fact]
    public async Task A_years_export_carrying_back_payments_for_earlier_years_is_accepted_and_its_lump_sum_payers_get_nothing()
    {
        const string village = "360222203201";
        await _driver.Registry.ActiveVillageAsync(village, "补缴村");
        await _driver.Registry.ApproveAsync(
            village,
            await _driver.Registry.DraftAsync(village, Year, Today, InsuredInVillage(Today)),
            Today
        );
        await Eventually.TrueAsync(
            async () =>
                (
                    await (await _driver.Centre()).GetAsync($"/api/imports/divisions/{village}")
                ).IsSuccessStatusCode,
            "the village to reach the import"
        );

        string[] Back(int person, int forYear, string type, string tier, decimal amount) =>
            [
                $"测试{person}",
                Id(person),
                village,
                forYear.ToString(),
                "个人缴费",
                type,
                tier,
                amount.ToString("0.00"),
                $"{Year}-04-01",
                "011",
                "未领取",
            ];
        var batch = await UploadAsync(
            village[..9],
            Year,
            Csv(
                [
                    Row(760001, village, Year, 1000),
                    Back(760001, 2021, "一次性补缴", "", 12000), // 2021 paid in this year: excluded for good
                    Row(760002, village, Year, 500),
                    Back(760002, 2019, "补缴", "", 300), // an ordinary back payment: still eligible, 500 own
                    Row(760003, village, Year, 500),
                    Back(760003, Year - 1, "31", "1000", 1000), // a back payment at last year's tier, checked against it
                ],
                new UTF8Encoding(false)
            )
        );
        Assert.Equal("accepted", batch["state"]!.GetValue<string>());

        var calculated = await RunAsync(
            village,
            b => b["run"]!["members"]!.GetValue<int>() == 3,
            "the village-year to be calculated"
        );
        var members = SettlementDriver.Members(calculated);
        Assert.Equal("LUMP_SUM_BACK_PAYMENT", members[Id(760001)]["exclusion"]!.GetValue<string>());
        Assert.Equal(0m, members[Id(760001)]["amount"]!.GetValue<decimal>());
        Assert.Null(members[Id(760002)]["exclusion"]);
        Assert.Equal(
            (500m, 500m, 100m),
            (
                members[Id(760002)]["own"]!.GetValue<decimal>(),
                members[Id(760002)]["tier"]!.GetValue<decimal>(),
                members[Id(760002)]["subsidy"]!.GetValue<decimal>()
            )
        );
        Assert.Equal(500m, members[Id(760003)]["own"]!.GetValue<decimal>());
        Assert.Contains(calculated["totals"]!.AsArray(), t =>
            t!["code"]!.GetValue<string>() == "LUMP_SUM_BACK_PAYMENT"
            && t["members"]!.GetValue<int>() == 1
        );

        // A row of a later year than the export's is refused, with the row, the column and why.
        var later = await UploadAsync(
            village[..9],
            Year - 1,
            Csv([Row(760004, village, Year, 500)], new UTF8Encoding(false))
        );
        Assert.Equal("rejected", later["state"]!.GetValue<string>());
        var error = later["errors"]!.AsArray().Single()!;
        Assert.Equal(
            (2, "缴费年度", Year.ToString()),
            (
                error["rowNumber"]!.GetValue<int>(),
                error["column"]!.GetValue<string>(),
                error["value"]!.GetValue<string>()
            )
        );
        Assert.Contains($"晚于本次导入的年度 {Year - 1}", error["reason"]!.GetValue<string>());
        Assert.Equal(1, later["errorCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_lump_sum_in_an_earlier_years_export_excludes_the_person_this_year_too_even_when_imported_later()
    {
        const string village = "360222203202";
        await _driver.Registry.ActiveVillageAsync(village, "往年补缴村");
        await _driver.Registry.ApproveAsync(
            village,
            await _driver.Registry.DraftAsync(village, Year, Today, InsuredInVillage(Today)),
            Today
        );
        await Eventually.TrueAsync(
            async () =>
                (
                    await (await _driver.Centre()).GetAsync($"/api/imports/divisions/{village}")
                ).IsSuccessStatusCode,
            "the village to reach the import"
        );
        var township = "360222203";

        var thisYear = await UploadAsync(
            township,
            Year,
            Csv(
                [Row(761001, village, Year, 1000), Row(761002, village, Year, 1000)],
                new UTF8Encoding(false)
            )
        );
        var before = await RunAsync(
            village,
            b => b["run"]!["members"]!.GetValue<int>() == 2,
            "this year's calculation"
        );
        Assert.All(SettlementDriver.Members(before).Values, m => Assert.Null(m["exclusion"]));

        // Last year's export, imported now, carries 761001's lump sum for 2016 (paid last year).
        var lastYear = await UploadAsync(
            township,
            Year - 1,
            Csv(
                [
                    Row(761001, village, Year - 1, 500),
                    [
                        $"测试761001",
                        Id(761001),
                        village,
                        "2016",
                        "个人缴费",
                        "一次性补缴",
                        "",
                        "8000.00",
                        $"{Year - 1}-06-01",
                        "011",
                        "未领取",
                    ],
                ],
                new UTF8Encoding(false)
            )
        );
        Assert.Equal("accepted", lastYear["state"]!.GetValue<string>());
        var after = await RunAsync(
            village,
            b => b["run"]!["id"]!.GetValue<string>() != before["run"]!["id"]!.GetValue<string>(),
            "this year's recalculation"
        );
        var members = SettlementDriver.Members(after);
        Assert.Equal("LUMP_SUM_BACK_PAYMENT", members[Id(761001)]["exclusion"]!.GetValue<string>());
        Assert.Null(members[Id(761002)]["exclusion"]);
        Assert.Equal(
            thisYear["id"]!.GetValue<string>(),
            after["run"]!["inputs"]!["batchId"]!.GetValue<string>()
        );
        Assert.Equal(
            [lastYear["id"]!.GetValue<string>()],
            after["run"]!["inputs"]!["lumpSumBatches"]!.AsArray().Select(b => b!.GetValue<string>())
        );
    }

    [Fact]
    public async Task A_corrected_export_that_no_longer_lists_a_village_leaves_it_without_contributions()
    {
        string[] villages = ["360222204201", "360222204202"];
        foreach (var (village, i) in villages.Select((v, i) => (v, i)))
        {
            await _driver.Registry.ActiveVillageAsync(village, $"更正村{i}");
            await _driver.Registry.ApproveAsync(
                village,
                await _driver.Registry.DraftAsync(village, Year, Today, InsuredInVillage(Today)),
                Today
            );
        }
        await Eventually.TrueAsync(
            async () =>
                (
                    await (await _driver.Centre()).GetAsync($"/api/imports/divisions/{villages[1]}")
                ).IsSuccessStatusCode,
            "the villages to reach the import"
        );

        var exportA = await UploadAsync(
            "360222204",
            Year,
            Csv(
                [Row(762001, villages[0], Year, 500), Row(762002, villages[1], Year, 1000)],
                new UTF8Encoding(false)
            )
        );
        var first = await RunAsync(
            villages[1],
            b =>
                b["run"]!["inputs"]!["batchId"]!.GetValue<string>()
                == exportA["id"]!.GetValue<string>(),
            "village 2 from export A"
        );
        Assert.Equal(300m, first["total"]!.GetValue<decimal>());

        // The corrected export B lists only village 1: from now on only B counts, for every village
        // of the township.
        var exportB = await UploadAsync(
            "360222204",
            Year,
            Csv([Row(762001, villages[0], Year, 1000)], new UTF8Encoding(false))
        );
        Assert.Equal("accepted", exportB["state"]!.GetValue<string>());
        var village2 = await RunAsync(
            villages[1],
            b =>
                b["run"]!["inputs"]!["batchId"]!.GetValue<string>()
                == exportB["id"]!.GetValue<string>(),
            "village 2 from export B"
        );
        Assert.Equal(0m, village2["total"]!.GetValue<decimal>());
        Assert.Equal(0, village2["run"]!["members"]!.GetValue<int>()); // nobody insured in the village any more, under this scheme's basis

        var village1 = await RunAsync(
            villages[0],
            b =>
                b["run"]!["inputs"]!["batchId"]!.GetValue<string>()
                == exportB["id"]!.GetValue<string>(),
            "village 1 from export B"
        );
        Assert.Equal(300m, village1["total"]!.GetValue<decimal>());
        var centre = await _driver.Centre();
        Assert.Equal(
            "superseded",
            (await centre.GetFromJsonAsync<JsonObject>($"/api/imports/batches/{exportA["id"]}"))![
                "state"
            ]!.GetValue<string>()
        );
    }

    [Fact]
    public async Task A_roster_member_of_a_village_the_corrected_export_dropped_is_no_contribution()
    {
        string[] villages = ["360222204203", "360222204204"];
        await _driver.Registry.ActiveVillageAsync(villages[0], "保留村");
        await Eventually.TrueAsync(
            async () =>
                (
                    await (await _driver.Centre()).GetAsync($"/api/imports/divisions/{villages[0]}")
                ).IsSuccessStatusCode,
            "the village to reach the import"
        );
        await _driver.CalculatedAsync(
            villages[1],
            "被删村",
            [(763002, "")],
            [Row(763001, villages[0], Year, 500), Row(763002, villages[1], Year, 1000)]
        );

        await UploadAsync(
            "360222204",
            Year,
            Csv([Row(763001, villages[0], Year, 500)], new UTF8Encoding(false))
        );
        var dropped = await RunAsync(
            villages[1],
            b =>
                b["results"]!.AsArray().Single()!["exclusion"]?.GetValue<string>()
                == "NO_CONTRIBUTION",
            "the dropped village's member"
        );
        Assert.Equal(0m, dropped["total"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task A_workbook_that_stored_the_codes_as_numbers_is_read_as_the_codes()
    {
        const string village = "360222204205";
        await _driver.Registry.ActiveVillageAsync(village, "数字村");
        await _driver.Registry.ApproveAsync(
            village,
            await _driver.Registry.DraftAsync(village, Year, Today, InsuredInVillage(Today)),
            Today
        );
        await Eventually.TrueAsync(
            async () =>
                (
                    await (await _driver.Centre()).GetAsync($"/api/imports/divisions/{village}")
                ).IsSuccessStatusCode,
            "the village to reach the import"
        );

        // 参保身份 61 and 52, 缴费项目 1 and 11, 缴费类型 10, the year and amounts as numbers: what Excel keeps
        // of the business system's codes.
        var sheet = new List<Dictionary<string, object?>>
        {
            Cells("城乡居民基本养老保险参保缴费明细"),
            Cells(Header),
            Cells(
                "测试764001",
                Id(764001),
                village,
                Year,
                1,
                10,
                500,
                500,
                $"{Year}-03-15",
                61,
                "未领取"
            ),
            Cells(
                "测试764002",
                Id(764002),
                village,
                Year,
                1,
                10,
                1000,
                1000,
                $"{Year}-03-15",
                52,
                "未领取"
            ),
            Cells(
                "测试764003",
                Id(764003),
                village,
                Year,
                11,
                10,
                100,
                100,
                $"{Year}-03-15",
                61,
                "未领取"
            ),
        };
        using var workbook = new MemoryStream();
        workbook.SaveAs(sheet, printHeader: false);
        var batch = await UploadAsync(village[..9], Year, workbook.ToArray());
        Assert.True(batch["state"]!.GetValue<string>() == "accepted", batch.ToJsonString());

        var calculated = await RunAsync(
            village,
            b => b["run"]!["members"]!.GetValue<int>() == 3,
            "the village-year to be calculated"
        );
        var members = SettlementDriver.Members(calculated);
        Assert.Equal(
            ("dibao", 300m),
            (
                members[Id(764001)]["specialGroup"]!.GetValue<string>(),
                members[Id(764001)]["subsidy"]!.GetValue<decimal>()
            )
        );
        Assert.Equal(
            ("poverty-monitoring", 450m),
            (
                members[Id(764002)]["specialGroup"]!.GetValue<string>(),
                members[Id(764002)]["subsidy"]!.GetValue<decimal>()
            )
        );
        Assert.Equal(
            (100m, 200m),
            (
                members[Id(764003)]["tier"]!.GetValue<decimal>(),
                members[Id(764003)]["subsidy"]!.GetValue<decimal>()
            )
        );
        // One spelling: the scheme API names the groups as the results do.
        var scheme = await (await _driver.Registry.Clerk(village)).GetFromJsonAsync<JsonArray>(
            $"/api/registry/schemes?division={village}&year={Year}"
        );
        Assert.Contains("poverty-monitoring", scheme!.ToJsonString());
    }

    private static Dictionary<string, object?> Cells(params object?[] cells)
    {
        var line = new Dictionary<string, object?>();
        for (var c = 0; c < Header.Length; c++)
            line[((char)('A' + c)).ToString()] = c < cells.Length ? cells[c] : null;
        return line;
    }

    [Fact]
    public async Task Codes_are_spelt_one_way_in_the_api_and_the_events_with_flags_as_a_list()
    {
        const string village = "360222204206";
        await using var events = await EventProbe.StartAsync(system, typeof(SettlementStepTaken));
        var calculated = await _driver.CalculatedAsync(
            village,
            "代码村",
            [(765001, "低保对象"), (765002, ""), (765003, "")],
            [
                Row(765001, village, Year, 550, identity: "061", tier: ""),
                Row(765002, village, Year, 500, paidOn: $"{Year}-10-08"),
                Row(765003, village, Year, 200, tier: ""),
            ]
        );
        var members = SettlementDriver.Members(calculated);
        Assert.Equal(
            ["TIER_MISMATCH"],
            members[Id(765001)]["flags"]!.AsArray().Select(f => f!.GetValue<string>())
        );
        Assert.Equal(
            ["TIER_MISMATCH", "BELOW_SCHEME_THRESHOLD"],
            members[Id(765003)]["flags"]!.AsArray().Select(f => f!.GetValue<string>())
        );
        Assert.Empty(members[Id(765002)]["flags"]!.AsArray());
        Assert.Equal("PAID_AFTER_DEADLINE", members[Id(765002)]["exclusion"]!.GetValue<string>());
        var filtered = await (await _driver.Observer()).GetFromJsonAsync<JsonObject>(
            $"/api/calculation/village-years/{village}/{Year}?reason=TIER_MISMATCH&pageSize=1&page=2"
        );
        Assert.Equal(
            (2, 1),
            (filtered!["resultCount"]!.GetValue<int>(), filtered["results"]!.AsArray().Count)
        );
        var unknown = await (await _driver.Observer()).GetAsync(
            $"/api/calculation/village-years/{village}/{Year}?reason=TierMismatch"
        );
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("TIER_MISMATCH", await unknown.Content.ReadAsStringAsync());

        await SettlementDriver.StepAsync(
            await _driver.Registry.Clerk(village),
            village,
            "confirm",
            HttpStatusCode.OK
        );
        var confirmed = await events.WaitForAsync<SettlementStepTaken>(
            e => e.VillageCode == village && e.Step == SettlementStep.Confirm,
            "the confirmation event"
        );
        var lines = confirmed.Snapshot.Lines.ToDictionary(l => l.IdNumber);
        Assert.Equal(["TIER_MISMATCH"], lines[Id(765001)].Flags);
        Assert.Equal(SpecialGroup.Dibao, lines[Id(765001)].SpecialGroup);
        Assert.Equal("PAID_AFTER_DEADLINE", lines[Id(765002)].Exclusion);
        Assert.Equal(["TIER_MISMATCH", "BELOW_SCHEME_THRESHOLD"], lines[Id(765003)].Flags);
    }

    [Fact]
    public async Task A_step_at_half_past_midnight_beijing_time_is_dated_that_day_in_the_step_and_its_documents()
    {
        // 2025-10-01T00:30+08:00 is still 30 September in UTC: the business day is China's.
        const string village = "360222205201";
        const int year = 2025;
        var day = new DateOnly(2025, 9, 1);
        await _driver.Registry.ActiveVillageAsync(village, "国庆村");
        await _driver.Registry.ApproveAsync(
            village,
            await _driver.Registry.DraftAsync(village, year, day, InsuredInVillage(day)),
            day
        );
        await Eventually.TrueAsync(
            async () =>
                (
                    await (await _driver.Centre()).GetAsync($"/api/imports/divisions/{village}")
                ).IsSuccessStatusCode,
            "the village to reach the import"
        );
        await UploadAsync(
            village[..9],
            year,
            Csv([Row(766001, village, year, 1000)], new UTF8Encoding(false))
        );
        await RunAsync(
            village,
            b => b["state"]!.GetValue<string>() == "calculated",
            "the 2025 village-year",
            year
        );

        var clerk = await _driver.Registry.Clerk(village);
        var path = $"/api/calculation/village-years/{village}/{year}";
        await RegistryDriver.ReadAsync(
            await clerk.SendAsync(
                RegistryDriver.Post($"{path}/confirm", null, new DateOnly(2025, 9, 30))
            ),
            HttpStatusCode.OK
        );
        using var atMidnight = new HttpRequestMessage(HttpMethod.Post, $"{path}/notice")
        {
            Content = JsonContent.Create(new { }),
        };
        atMidnight.Headers.Add("X-Business-Date", "2025-10-01T00:30:00+08:00");
        var notice = await RegistryDriver.ReadAsync(
            await clerk.SendAsync(atMidnight),
            HttpStatusCode.OK
        );
        Assert.Equal(
            ("2025-10-01", "2025-10-07"),
            (notice["noticeStart"]!.GetValue<string>(), notice["noticeEnd"]!.GetValue<string>())
        );

        var audit = (
            await (await _driver.Centre()).GetFromJsonAsync<JsonArray>(
                $"/api/calculation/audit?division={village}&entity=village-year"
            )
        )!;
        var step = audit.Single(e => e!["action"]!.GetValue<string>() == "publish-notice")!;
        Assert.Equal(
            new DateTimeOffset(2025, 9, 30, 16, 30, 0, TimeSpan.Zero),
            step["at"]!.GetValue<DateTimeOffset>()
        );

        var document = await Eventually.GetAsync(
            async () =>
                (
                    await clerk.GetFromJsonAsync<JsonArray>(
                        $"/api/documents?division={village}&year={year}&kind=notice-pdf"
                    )
                )!.FirstOrDefault(),
            "the notice to be issued"
        );
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(
            await clerk.GetByteArrayAsync($"/api/documents/{document!["id"]}")
        );
        var text = string.Concat(
            pdf.GetPages().Select(p => string.Concat(p.Letters.Select(l => l.Value)))
        );
        Assert.Contains("2025年10月1日", text);
        Assert.DoesNotContain("2025年9月30日", text);
    }
}
