using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Subsidy.Contracts;
using UglyToad.PdfPig;
using static Subsidy.EndToEndTests.ContributionFiles;

namespace Subsidy.EndToEndTests.Portal;

/// <summary>算清经济账 and 考核 (docs/design/11-beyond-paperwork.md) through the portal's pages, checked
/// against the services' own answers.</summary>
[Collection(SystemCollection.Name)]
public sealed class PortalStatementAndAssessmentTests(SubsidySystem system, PortalFixture portal)
    : IClassFixture<PortalFixture>,
        IAsyncLifetime
{
    private static readonly int Year = SettlementDriver.Year;
    private readonly SettlementDriver _settlement = new(system);

    public Task InitializeAsync() => portal.StartAsync(system);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_village_clerk_sees_a_residents_statement_in_the_member_drawer_and_prints_the_masked_notice()
    {
        var village = "360222204306";
        await _settlement.CalculatedAsync(
            village,
            "门户告知村",
            [(7_600_001, ""), (7_600_002, ""), (7_600_003, "")],
            [
                Row(7_600_001, village, Year, 500),
                Row(7_600_002, village, Year, 1000),
                Row(7_600_003, village, Year, 300),
                Row(7_600_003, village, Year, 3000, type: "一次性补缴"),
            ]
        );
        var api = await _settlement.Registry.Clerk(village);
        var statement = await RegistryDriver.ReadAsync(
            await api.PostAsJsonAsync(
                $"/api/calculation/village-years/{village}/{Year}/statements",
                new { idNumber = Id(7_600_001) }
            ),
            HttpStatusCode.OK
        );

        var clerk = await portal.Browser.SignInAsync(role: "village-clerk", scope: village);
        await clerk.OpenAsync($"/village-years/{village}/{Year}");
        await clerk
            .Locator(
                ".t-results tbody tr.ant-table-row",
                new PageLocatorOptions { HasText = "测试7600001" }
            )
            .Locator("text=详情")
            .ClickAsync();
        await clerk.WaitForSelectorAsync(".ant-drawer-open .t-statement-tiers");

        var tiers = statement["tiers"]!.AsArray();
        Assert.True(tiers.Count > 1, "the statement shows every tier of the policy year");
        Assert.Equal(
            tiers.Select(t => t!["subsidy"]!.GetValue<decimal>()),
            (
                await clerk
                    .Locator(".ant-drawer-open [data-test=tier-subsidy]")
                    .AllTextContentsAsync()
            ).Select(Number)
        );
        Assert.Equal(
            tiers.Select(t => t!["monthlyAt60"]!.GetValue<decimal>()),
            (
                await clerk
                    .Locator(".ant-drawer-open [data-test=tier-monthly]")
                    .AllTextContentsAsync()
            ).Select(Number)
        );
        Assert.Equal(
            "本年按 500 元档缴费，集体补助 "
                + statement["currentSubsidy"]!.GetValue<decimal>().ToString("N2")
                + " 元。",
            await clerk.TextContentAsync(".ant-drawer-open [data-test=statement-this-year]")
        );
        Assert.Equal(
            statement["creditedTotal"]!.GetValue<decimal>(),
            Number(await clerk.TextContentAsync(".ant-drawer-open [data-test=statement-credited]"))
        );
        Assert.Equal(
            statement["monthlyFromCredited"]!.GetValue<decimal>(),
            Number(await clerk.TextContentAsync(".ant-drawer-open [data-test=statement-monthly]"))
        );
        Assert.Contains(
            "÷ 139",
            await clerk.TextContentAsync(".ant-drawer-open [data-test=statement-formula]")
        );

        var download = await clerk.RunAndWaitForDownloadAsync(() =>
            clerk.ClickAsync(".ant-drawer-open .t-print-statement")
        );
        Assert.EndsWith(".pdf", download.SuggestedFilename);
        var text = PdfText((await download.PathAsync())!);
        Assert.Contains("测试7600001", text);
        Assert.Contains(IdNumber.Mask(Id(7_600_001)), text);
        Assert.DoesNotContain(Id(7_600_001), text);
        Assert.DoesNotContain("测试7600002", text);

        // A back-payer paid, only not at a tier of the scheme: the drawer says what was paid.
        await clerk.Keyboard.PressAsync("Escape");
        await clerk
            .Locator(
                ".t-results tbody tr.ant-table-row",
                new PageLocatorOptions { HasText = "测试7600003" }
            )
            .Locator("text=详情")
            .ClickAsync();
        await clerk.TextAsync(
            ".ant-drawer-open [data-test=statement-this-year]",
            "本年个人缴费 300.00 元，不享受集体补助（一次性补缴人员）。",
            10_000
        );
        await clerk.Context.CloseAsync();
    }

    [Fact]
    public async Task The_county_bureau_generates_the_assessment_and_downloads_its_PDF()
    {
        var county = await portal.Browser.SignInAsync(demoUser: "county-bureau");
        await county.ReadyAsync();
        await county.ClickLinkAsync("a[href='/assessments']");
        await county.ReadyAsync();
        await county.EnterAsync("#a-year", Year.ToString(CultureInfo.InvariantCulture));
        await county.ClickAsync(".t-issue-assessment");
        await county.TextAsync(".ant-message", "考核表已生成，可下载");
        // What the message says is there: the links come with it, not once it has closed (~3 s).
        await county.WaitForSelectorAsync(
            "[data-test=download-assessment-pdf]",
            new PageWaitForSelectorOptions { Timeout = 1_500 }
        );
        await county.WaitForSelectorAsync(
            ".t-assessment tbody tr.ant-table-row",
            new PageWaitForSelectorOptions { Timeout = 60_000 }
        );

        var download = await county.RunAndWaitForDownloadAsync(() =>
            county.ClickAsync("[data-test=download-assessment-pdf]")
        );
        var text = PdfText((await download.PathAsync())!);
        Assert.Contains("考核", text);
        var xlsx = await county.RunAndWaitForDownloadAsync(() =>
            county.ClickAsync("[data-test=download-assessment-xlsx]")
        );
        Assert.EndsWith(".xlsx", xlsx.SuggestedFilename);
        await county.Context.CloseAsync();
    }

    private static decimal Number(string? shown) =>
        decimal.Parse(
            (shown ?? "").Replace("元", "").Replace(",", "").Trim(),
            CultureInfo.InvariantCulture
        );

    private static string PdfText(string path)
    {
        using var pdf = PdfDocument.Open(path);
        return string.Join(
            "\n",
            pdf.GetPages().Select(p => string.Concat(p.Letters.Select(l => l.Value)))
        );
    }
}
