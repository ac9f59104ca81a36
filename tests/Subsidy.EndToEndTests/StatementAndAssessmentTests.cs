using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Calculation.Rules;
using Subsidy.Contracts;
using static Subsidy.EndToEndTests.ContributionFiles;

namespace Subsidy.EndToEndTests;

/// <summary>
/// 算清经济账 and 考核 (docs/design/11-beyond-paperwork.md) through the gateway, on a township of their
/// own (考核镇, 360222120) so that every figure can be checked against the data this test loaded.
/// </summary>
[Collection(SystemCollection.Name)]
public class StatementAndAssessmentTests(SubsidySystem system)
{
    private const string Township = "360222120000";
    private const string Credited = "360222120201",
        Confirmed = "360222120202",
        Suspended = "360222120203",
        Outside = "360222120204";
    private static readonly int Year = SettlementDriver.Year;
    private static readonly DateOnly Today = SettlementDriver.Today;
    private readonly SettlementDriver _driver = new(system);

    private static readonly SchemeInput Scheme = new(
        MembershipBasis.Roster,
        StackingRule.Sum,
        [new FloorAmount(SpecialGroup.Dibao, 200), new FloorAmount(SpecialGroup.Tekun, 300)],
        [new IncentiveRow(500, 100), new IncentiveRow(1000, 300)],
        60000
    );

    private async Task TownshipAsync()
    {
        var county = await _driver.Registry.CountyBureau();
        var created = await county.PostAsJsonAsync(
            "/api/registry/divisions",
            new { code = Township, name = "考核镇" }
        );
        Assert.True(
            created.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict,
            await created.Content.ReadAsStringAsync()
        );
    }

    private async Task CreditAsync(string village)
    {
        var clerk = await _driver.Registry.Clerk(village);
        var centre = await _driver.Centre();
        await SettlementDriver.StepAsync(clerk, village, "confirm", HttpStatusCode.OK);
        await SettlementDriver.StepAsync(clerk, village, "notice", HttpStatusCode.OK);
        await SettlementDriver.StepAsync(
            clerk,
            village,
            "notice/close",
            HttpStatusCode.OK,
            on: Today.AddDays(7)
        );
        await SettlementDriver.StepAsync(clerk, village, "application", HttpStatusCode.OK);
        await SettlementDriver.StepAsync(centre, village, "approval", HttpStatusCode.OK);
        await SettlementDriver.StepAsync(centre, village, "payment-notice", HttpStatusCode.OK);
        await _driver.StateAsync(village, "paid"); // the simulated tax bureau pays the notice
        await SettlementDriver.StepAsync(
            centre,
            village,
            "credit",
            HttpStatusCode.OK,
            on: Today.AddDays(12)
        );
    }

    /// <summary>A village-year of three members taken to credited, once for the class (the tests
    /// may run in either order).</summary>
    private async Task CreditedVillageAsync()
    {
        await TownshipAsync();
        if (await SettledAsync(Credited))
            return;
        await _driver.CalculatedAsync(
            Credited,
            "到账村",
            [(800001, "低保对象"), (800002, ""), (800003, "")],
            [
                Row(800001, Credited, Year, 500, identity: "061"),
                Row(800002, Credited, Year, 1000),
                Row(800003, Credited, Year, 1500),
            ]
        );
        await CreditAsync(Credited);
    }

    [Fact]
    public async Task A_residents_statement_uses_the_rules_for_every_tier_counts_what_was_credited_and_prints_one_masked_page()
    {
        await CreditedVillageAsync();
        var clerk = await _driver.Registry.Clerk(Credited);

        var statement = await RegistryDriver.ReadAsync(
            await clerk.PostAsJsonAsync(
                $"/api/calculation/village-years/{Credited}/{Year}/statements",
                new { idNumber = Id(800001) }
            ),
            HttpStatusCode.OK
        );
        Assert.Equal(
            ("测试800001", "dibao", 500m, 300m),
            (
                statement["name"]!.GetValue<string>(),
                statement["specialGroup"]!.GetValue<string>(),
                statement["chosenTier"]!.GetValue<decimal>(),
                statement["currentSubsidy"]!.GetValue<decimal>()
            )
        );
        var policy = new PolicyInput(
            Year,
            [300, 400, 500, 600, 700, 800, 900, 1000, 1500, 2000, 3000, 4000, 5000, 6000],
            100,
            new DateOnly(Year, 9, 30),
            6000
        );
        var tiers = statement["tiers"]!.AsArray();
        Assert.Equal(14, tiers.Count);
        foreach (var tier in tiers)
        {
            var expected = SubsidyRules.AtTier(
                Scheme,
                policy,
                SpecialGroup.Dibao,
                tier!["tier"]!.GetValue<decimal>()
            );
            Assert.Equal(
                (expected.FloorPart, expected.IncentivePart, expected.Subsidy),
                (
                    tier["floorPart"]!.GetValue<decimal>(),
                    tier["incentivePart"]!.GetValue<decimal>(),
                    tier["subsidy"]!.GetValue<decimal>()
                )
            );
        }
        Assert.Equal(
            (1000m, 500m),
            (
                statement["nextTier"]!.GetValue<decimal>(),
                statement["nextTierSubsidy"]!.GetValue<decimal>()
            )
        );
        var credited = statement["credited"]!.AsArray().Single()!;
        Assert.Equal(
            (Year, 300m),
            (credited["year"]!.GetValue<int>(), credited["amount"]!.GetValue<decimal>())
        );
        Assert.Equal(
            Math.Round(300m / 139, 2),
            statement["monthlyFromCredited"]!.GetValue<decimal>()
        );

        // The 告知书, printed by the document service: the resident's name, the masked ID number,
        // nobody else.
        var printed = await clerk.PostAsJsonAsync(
            $"/api/documents/statements/{Credited}/{Year}",
            new { idNumber = Id(800001) }
        );
        Assert.Equal(HttpStatusCode.OK, printed.StatusCode);
        Assert.Equal("application/pdf", printed.Content.Headers.ContentType!.MediaType);
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(
            await printed.Content.ReadAsByteArrayAsync()
        );
        Assert.Equal(1, pdf.NumberOfPages);
        var text = string.Concat(
            pdf.GetPages().Select(p => string.Concat(p.Letters.Select(l => l.Value)))
        );
        Assert.Contains("测试800001", text);
        Assert.Contains(IdNumber.Mask(Id(800001)), text);
        Assert.DoesNotContain(Id(800001), text);
        Assert.DoesNotContain("测试800002", text);
        Assert.Contains("÷139", text.Replace(" ", ""));

        // Another village's clerk learns nothing; an ID number that is not a member is 404; a bad
        // one 400.
        var other = await system.GatewayAsAsync("village-clerk", Confirmed);
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (
                await other.PostAsJsonAsync(
                    $"/api/calculation/village-years/{Credited}/{Year}/statements",
                    new { idNumber = Id(800001) }
                )
            ).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (
                await other.PostAsJsonAsync(
                    $"/api/documents/statements/{Credited}/{Year}",
                    new { idNumber = Id(800001) }
                )
            ).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.NotFound,
            (
                await clerk.PostAsJsonAsync(
                    $"/api/calculation/village-years/{Credited}/{Year}/statements",
                    new { idNumber = Id(800999) }
                )
            ).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.BadRequest,
            (
                await clerk.PostAsJsonAsync(
                    $"/api/calculation/village-years/{Credited}/{Year}/statements",
                    new { idNumber = "360222" }
                )
            ).StatusCode
        );
    }

    [Fact]
    public async Task The_assessment_counts_what_was_loaded_ranks_and_gives_a_township_officer_only_their_township()
    {
        await CreditedVillageAsync();
        // One village only confirms; one joins and is suspended; one never joins the pilot.
        var rows = new[]
        {
            Row(800001, Credited, Year, 500, identity: "061"),
            Row(800002, Credited, Year, 1000),
            Row(800003, Credited, Year, 1500),
            Row(800011, Confirmed, Year, 300),
            Row(800012, Confirmed, Year, 2000),
        };
        await _driver.Registry.ActiveVillageAsync(Confirmed, "确认村");
        await _driver.Registry.ApproveAsync(
            Confirmed,
            await _driver.Registry.DraftAsync(Confirmed, Year, Today),
            Today
        );
        await UploadRosterAsync(Confirmed, 800011, 800012);
        var batch = await RegistryDriver.ReadAsync(
            await (await _driver.Centre()).PostAsync(
                $"/api/imports/contributions?scope=360222120&year={Year}",
                new ByteArrayContent(Csv(rows, new System.Text.UTF8Encoding(false)))
            ),
            HttpStatusCode.Accepted
        );
        await _driver.CalculatedFromAsync(Confirmed, batch["id"]!.GetValue<string>());
        await SettlementDriver.StepAsync(
            await _driver.Registry.Clerk(Confirmed),
            Confirmed,
            "confirm",
            HttpStatusCode.OK
        );
        await _driver.Registry.ActiveVillageAsync(Suspended, "暂停村");
        var county = await _driver.Registry.CountyBureau();
        await RegistryDriver.ReadAsync(
            await county.PostAsJsonAsync(
                $"/api/registry/pilots/{Suspended}/suspend",
                new { reason = "集体收入下降", effectiveDate = Today }
            ),
            HttpStatusCode.OK
        );
        var outside = await county.PostAsJsonAsync(
            "/api/registry/divisions",
            new { code = Outside, name = "未试点村" }
        );
        Assert.True(outside.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict);

        var officer = await system.GatewayAsAsync("township-officer", Township[..9]);
        var report = await Eventually.GetAsync(
            async () =>
            {
                var answer = await RegistryDriver.ReadAsync(
                    await officer.PostAsync($"/api/documents/assessments/{Township}/{Year}", null),
                    HttpStatusCode.OK
                );
                var total = answer["total"]!;
                return
                    total["villages"]!.GetValue<int>() == 4
                    && total["pilotVillages"]!.GetValue<int>() == 3
                    && total["suspendedVillages"]!.GetValue<int>() == 1
                    && total["members"]!.GetValue<int>() == 5
                    && total["credited"]!.GetValue<decimal>() > 0
                    ? answer
                    : null;
            },
            "the document service to have received the township's steps and pilots"
        );
        var sum = report["total"]!;
        // Credited village: 测试800001 低保 200 + 100, 800002 300, 800003 300 = 900; confirmed village:
        // 300 → 0, 2000 → 300.
        Assert.Equal(
            (5, 5, 4),
            (
                sum["members"]!.GetValue<int>(),
                sum["eligible"]!.GetValue<int>(),
                sum["subsidised"]!.GetValue<int>()
            )
        );
        Assert.Equal(900m, sum["credited"]!.GetValue<decimal>());
        Assert.Equal(
            Math.Round((500m + 1000 + 1500 + 300 + 2000) / 5, 2),
            sum["averageTier"]!.GetValue<decimal>()
        );
        Assert.Equal(0.6m, sum["shareAt1000"]!.GetValue<decimal>());
        Assert.Equal(0.75m, sum["coverage"]!.GetValue<decimal>());
        var villages = report["rows"]!.AsArray();
        Assert.Equal(4, villages.Count);
        Assert.Equal([1, 2, 3, 4], villages.Select(v => v!["rank"]!.GetValue<int>()));
        Assert.Equal(Credited, villages[0]!["code"]!.GetValue<string>()); // covered and three subsidised
        Assert.Equal(Outside, villages[3]!["code"]!.GetValue<string>()); // not in the pilot at all

        using var workbook = new MemoryStream(
            await officer.GetByteArrayAsync($"/api/documents/{report["xlsx"]!["id"]}")
        );
        var sheet = MiniExcelLibs
            .MiniExcel.Query(workbook, useHeaderRow: false)
            .Cast<IDictionary<string, object?>>()
            .ToList();
        Assert.EndsWith(
            $"{Year}年度城乡居民基本养老保险集体补助试点考核表",
            sheet[0]["A"]!.ToString()
        );
        Assert.Equal("合计", sheet[^1]["C"]);
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(
            await officer.GetByteArrayAsync($"/api/documents/{report["pdf"]!["id"]}")
        );
        Assert.Contains(
            "考核镇",
            string.Concat(pdf.GetPages().Select(p => string.Concat(p.Letters.Select(l => l.Value))))
        );

        // The county sees its townships, 考核镇 among them with the same figures; the township officer
        // not the county.
        var countyReport = await RegistryDriver.ReadAsync(
            await (await _driver.Centre()).PostAsync(
                $"/api/documents/assessments/360222000000/{Year}",
                null
            ),
            HttpStatusCode.OK
        );
        var ours = countyReport["rows"]!
            .AsArray()
            .Single(r => r!["code"]!.GetValue<string>() == Township)!;
        Assert.Equal(
            (5, 900m),
            (ours["members"]!.GetValue<int>(), ours["credited"]!.GetValue<decimal>())
        );
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (
                await officer.PostAsync($"/api/documents/assessments/360222000000/{Year}", null)
            ).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (
                await officer.PostAsync($"/api/documents/assessments/360222100000/{Year}", null)
            ).StatusCode
        );
    }

    private async Task<bool> SettledAsync(string village)
    {
        var answer = await (await _driver.Observer()).GetAsync(
            $"/api/calculation/village-years/{village}/{Year}?pageSize=1"
        );
        return answer.IsSuccessStatusCode
            && (await answer.Content.ReadFromJsonAsync<JsonObject>())!["state"]!.GetValue<string>()
                == "credited";
    }

    private async Task UploadRosterAsync(string village, params int[] people)
    {
        var roster = new System.Text.StringBuilder("姓名,公民身份号码,特殊群体\r\n");
        foreach (var person in people)
            roster.Append($"测试{person},{Id(person)},\r\n");
        var clerk = await _driver.Registry.Clerk(village);
        await Eventually.TrueAsync(
            async () =>
                (await clerk.GetAsync($"/api/imports/divisions/{village}")).IsSuccessStatusCode,
            "the village to reach the import"
        );
        Assert.Equal(
            HttpStatusCode.Accepted,
            (
                await clerk.PostAsync(
                    $"/api/imports/rosters?village={village}&year={Year}",
                    new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(roster.ToString()))
                )
            ).StatusCode
        );
    }
}
