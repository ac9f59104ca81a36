using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Subsidy.Contracts;
using static Subsidy.EndToEndTests.ContributionFiles;

namespace Subsidy.EndToEndTests;

/// <summary>
/// Who sees a whole 公民身份号码 (docs/security.md): lists answer numbers masked; the county centre
/// and a village's clerk may ask for them whole, naming why, and each such view, and each download
/// of a document that lists them, is recorded (who, whose, when, why) before the answer. A member
/// is named in requests by the key the list gives. On a township of its own (证号镇, 360222117).
/// </summary>
[Collection(SystemCollection.Name)]
public class IdNumberVisibilityTests(SubsidySystem system)
{
    private const string Village = "360222117201";
    private static readonly int Year = SettlementDriver.Year;
    private static readonly DateOnly Today = SettlementDriver.Today;
    private static readonly int[] People = [917_001, 917_002, 917_003];
    private readonly SettlementDriver _driver = new(system);

    private static string ListPath(string query = "") =>
        $"/api/calculation/village-years/{Village}/{Year}{query}";

    private static string Full(string purpose) =>
        $"?full=true&purpose={Uri.EscapeDataString(purpose)}";

    private async Task CalculatedAsync()
    {
        await _driver.Registry.TownshipAsync(Village, "证号镇");
        var standing = await (await _driver.Observer()).GetAsync(ListPath());
        if (
            standing.IsSuccessStatusCode
            && (await standing.Content.ReadFromJsonAsync<JsonObject>())!["run"] is not null
        )
            return;
        await _driver.CalculatedAsync(
            Village,
            "证号村",
            People.Select(p => (p, "")),
            People.Select(p => Row(p, Village, Year, 500))
        );
    }

    private static IEnumerable<JsonObject> Results(JsonObject view) =>
        view["results"]!.AsArray().Select(r => r!.AsObject());

    [Fact]
    public async Task Every_role_but_the_centre_and_the_clerk_reads_masked_numbers_and_may_not_ask_for_them_whole()
    {
        await CalculatedAsync();
        foreach (
            var (role, scope) in new[]
            {
                ("township-officer", Village[..9]),
                ("county-bureau", "360222"),
                ("city-bureau", "3602"),
                ("auditor", "360222"),
            }
        )
        {
            var reader = await system.GatewayAsAsync(role, scope);
            var view = (await reader.GetFromJsonAsync<JsonObject>(ListPath()))!;
            Assert.Equal(
                People.Select(MaskedId).Order(),
                Results(view).Select(r => r["idNumber"]!.GetValue<string>()).Order()
            );
            Assert.All(Results(view), r =>
                Assert.Matches("^[0-9a-f]{32}$", r["memberKey"]!.GetValue<string>())
            );
            Assert.False(view["idNumbers"]!["mayViewFull"]!.GetValue<bool>(), role);
            Assert.False(view["idNumbers"]!["full"]!.GetValue<bool>(), role);

            var refused = await reader.GetAsync(ListPath(Full("核对参保缴费记录")));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains(
                "完整号码仅县社保中心和本村经办人员可查看",
                await refused.Content.ReadAsStringAsync()
            );
        }

        // Searching a masked list by digits finds nothing the mask hides (a birth date), yet a
        // whole number finds its member, still masked.
        var township = await _driver.Registry.Township(Village);
        var byBirth = await township.GetFromJsonAsync<JsonObject>(
            ListPath($"?q={Id(People[0])[6..14]}")
        );
        Assert.Equal(0, byBirth!["resultCount"]!.GetValue<int>());
        var byNumber = await township.GetFromJsonAsync<JsonObject>(ListPath($"?q={Id(People[0])}"));
        Assert.Equal(
            MaskedId(People[0]),
            Assert.Single(Results(byNumber!))["idNumber"]!.GetValue<string>()
        );
    }

    [Fact]
    public async Task A_clerk_sees_whole_numbers_only_naming_why_and_the_view_is_audited_without_them()
    {
        await CalculatedAsync();
        var clerk = await _driver.Registry.Clerk(Village);
        var masked = (await clerk.GetFromJsonAsync<JsonObject>(ListPath()))!;
        Assert.True(masked["idNumbers"]!["mayViewFull"]!.GetValue<bool>());
        Assert.All(Results(masked), r =>
            Assert.Contains("********", r["idNumber"]!.GetValue<string>())
        );

        var noPurpose = await clerk.GetAsync(ListPath("?full=true"));
        Assert.Equal(HttpStatusCode.BadRequest, noPurpose.StatusCode);
        Assert.Contains("须说明用途", await noPurpose.Content.ReadAsStringAsync());

        var purpose = $"核对参保缴费记录 {Guid.NewGuid():N}";
        var whole = (await clerk.GetFromJsonAsync<JsonObject>(ListPath(Full(purpose))))!;
        Assert.True(whole["idNumbers"]!["full"]!.GetValue<bool>());
        Assert.Equal(
            People.Select(Id).Order(),
            Results(whole).Select(r => r["idNumber"]!.GetValue<string>()).Order()
        );
        Assert.Equal(
            Results(masked).Select(r => r["memberKey"]!.GetValue<string>()).Order(),
            Results(whole).Select(r => r["memberKey"]!.GetValue<string>()).Order()
        );

        var entry = await AuditedViewAsync("calculation", purpose);
        Assert.Equal("village-clerk", entry["actorRole"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(entry["actor"]!.GetValue<string>()));
        Assert.Equal("查看完整公民身份号码", entry["actionName"]!.GetValue<string>());
        Assert.Equal("个人信息", entry["entityName"]!.GetValue<string>());
        Assert.Equal($"{Village}/{Year}", entry["entityKey"]!.GetValue<string>());
        Assert.True(entry["at"]!.GetValue<DateTime>() > DateTime.UtcNow.AddMinutes(-10));
        var reason = entry["reason"]!.GetValue<string>();
        Assert.All(People, p => Assert.Contains(MaskedId(p), reason));
        Assert.All(People, p => Assert.DoesNotContain(Id(p), reason));
        Assert.All(People, p => Assert.DoesNotContain($"测试{p}", reason));
        Assert.Contains("共3人", reason);
    }

    [Fact]
    public async Task A_member_is_named_by_the_lists_key_for_a_statement_and_an_objection_and_shown_masked()
    {
        await CalculatedAsync();
        var township = await _driver.Registry.Township(Village);
        var member = Results((await township.GetFromJsonAsync<JsonObject>(ListPath()))!)
            .Single(r => r["idNumber"]!.GetValue<string>() == MaskedId(People[1]));
        var key = member["memberKey"]!.GetValue<string>();

        var statement = await RegistryDriver.ReadAsync(
            await township.PostAsJsonAsync(ListPath("/statements"), new { memberKey = key }),
            HttpStatusCode.OK
        );
        Assert.Equal(
            ($"测试{People[1]}", MaskedId(People[1])),
            (statement["name"]!.GetValue<string>(), statement["idNumber"]!.GetValue<string>())
        );
        Assert.Equal(
            HttpStatusCode.BadRequest,
            (
                await township.PostAsJsonAsync(
                    ListPath("/statements"),
                    new { memberKey = "not-a-key" }
                )
            ).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.NotFound,
            (
                await township.PostAsJsonAsync(
                    ListPath("/statements"),
                    new { memberKey = new string('0', 32) }
                )
            ).StatusCode
        );

        // Objections are filed during the notice (the roster test may have confirmed already).
        var clerk = await _driver.Registry.Clerk(Village);
        var state = (await clerk.GetFromJsonAsync<JsonObject>(ListPath()))![
            "state"
        ]!.GetValue<string>();
        if (state == "calculated")
            await SettlementDriver.StepAsync(clerk, Village, "confirm", HttpStatusCode.OK);
        if (state is "calculated" or "confirmed")
            await SettlementDriver.StepAsync(clerk, Village, "notice", HttpStatusCode.OK);
        var filed = await SettlementDriver.StepAsync(
            township,
            Village,
            "objections",
            HttpStatusCode.OK,
            new { memberKey = key, complaint = "按档次应得补助" },
            Today.AddDays(1)
        );
        Assert.Equal(MaskedId(People[1]), filed["member"]!["idNumber"]!.GetValue<string>());
        var objection = Assert.Single(
            (await township.GetFromJsonAsync<JsonArray>(ListPath("/objections")))!,
            o => o!["memberKey"]!.GetValue<string>() == key
        )!;
        Assert.Equal(MaskedId(People[1]), objection["idNumber"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_roster_listing_whole_numbers_is_handed_to_the_clerk_naming_why_and_audited_and_to_nobody_else()
    {
        await CalculatedAsync();
        var clerk = await _driver.Registry.Clerk(Village);
        if (
            (await clerk.GetFromJsonAsync<JsonObject>(ListPath()))!["state"]!.GetValue<string>()
            == "calculated"
        )
            await SettlementDriver.StepAsync(clerk, Village, "confirm", HttpStatusCode.OK);
        var roster = await Eventually.GetAsync(
            async () =>
                (
                    await clerk.GetFromJsonAsync<JsonArray>(
                        $"/api/documents?division={Village}&year={Year}&kind=roster-xlsx"
                    )
                )!.FirstOrDefault(),
            "the roster to be issued"
        );
        Assert.True(roster!["fullIdNumbers"]!.GetValue<bool>());
        Assert.Null(roster["whyNotDownload"]);
        var path = $"/api/documents/{roster["id"]}";

        var township = await _driver.Registry.Township(Village);
        var listed = Assert.Single(
            (
                await township.GetFromJsonAsync<JsonArray>(
                    $"/api/documents?division={Village}&year={Year}&kind=roster-xlsx"
                )
            )!
        )!;
        Assert.Contains("仅县社保中心和本村经办人员", listed["whyNotDownload"]!.GetValue<string>());
        var refused = await township.GetAsync($"{path}?purpose=打印花名册报审");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await clerk.GetAsync(path)).StatusCode);
        var purpose = $"打印花名册报审 {Guid.NewGuid():N}";
        var workbook = await clerk.GetByteArrayAsync(
            $"{path}?purpose={Uri.EscapeDataString(purpose)}"
        );
        var rows = MiniExcelLibs
            .MiniExcel.Query(new MemoryStream(workbook), useHeaderRow: false)
            .Cast<IDictionary<string, object?>>();
        Assert.Contains(rows, r => Id(People[0]).Equals(r["C"]));

        var entry = await AuditedViewAsync("documents", purpose);
        Assert.Equal("village-clerk", entry["actorRole"]!.GetValue<string>());
        Assert.Contains("集体补助花名册.xlsx", entry["reason"]!.GetValue<string>());
        Assert.Equal("查看完整公民身份号码", entry["actionName"]!.GetValue<string>());
    }

    /// <summary>The audit entry of a view of whole numbers, found by its purpose, as the county's
    /// auditor reads it.</summary>
    private async Task<JsonObject> AuditedViewAsync(string service, string purpose)
    {
        var auditor = await system.GatewayAsAsync("auditor", "360222");
        var entries = (
            await auditor.GetFromJsonAsync<JsonArray>(
                $"/api/{service}/audit?division={Village}&entity=personal-data"
            )
        )!;
        return Assert
            .Single(entries, e =>
                e!["reason"]!.GetValue<string>().Contains(purpose, StringComparison.Ordinal)
            )!
            .AsObject();
    }
}
