using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using UglyToad.PdfPig;
using static Subsidy.EndToEndTests.ContributionFiles;

namespace Subsidy.EndToEndTests.Portal;

/// <summary>
/// The portal in a real browser (Debian's Chromium driven by Playwright) against the one started
/// system: the officers' work done through its pages, the answers checked against the services' own
/// APIs.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class PortalTests(SubsidySystem system, PortalFixture portal)
    : IClassFixture<PortalFixture>,
        IAsyncLifetime
{
    private static readonly int Year = SettlementDriver.Year;

    /// <summary>The services' business day: the date in China, whatever the test machine's
    /// zone.</summary>
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));

    private readonly SettlementDriver _settlement = new(system);

    public Task InitializeAsync() => portal.StartAsync(system);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Clerk_drafts_a_scheme_fixes_the_field_the_API_refused_and_submits_then_township_and_county_approve_it()
    {
        var village = await _settlement.Registry.ActiveVillageAsync("360222205301", "门户方案村");

        var clerk = await portal.Browser.SignInAsync(role: "village-clerk", scope: village);
        await clerk.OpenAsync("/schemes");
        await clerk.ClickAsync(".t-new-scheme");
        await clerk.ReadyAsync();
        await clerk.EnterAsync("#floor-amount-0", "200");
        await clerk.ChooseAsync("#incentive-tier-0", "500");
        // 600 for the 500 tier would pay more than the member's own contribution: 不能全额代缴.
        await clerk.EnterAsync("#incentive-amount-0", "600");
        await clerk.EnterAsync("#collective-income", "50000");
        var steps = new[]
        {
            "proposedOn",
            "firstDeliberationOn",
            "secondDeliberationOn",
            "resolvedOn",
            "publishedOn",
        };
        for (var i = 0; i < steps.Length; i++)
            await clerk.EnterDateAsync(
                $"#procedure-{steps[i]}",
                Today.AddDays(i - 10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            );
        await clerk.FillAsync("#organisation-name", "门户方案村股份经济合作社");
        await clerk.FillAsync("#credit-code", "N2360222MF0000000K");
        await clerk.ClickAsync(".t-save");
        var error = await clerk.WaitForSelectorAsync("[data-field='incentives[0].amount']");
        Assert.Contains("不能全额代缴", await error!.TextContentAsync());

        await clerk.EnterAsync("#incentive-amount-0", "100");
        await clerk.ClickAsync(".t-save");
        await clerk.WaitForURLAsync("**/schemes/*-*");
        await clerk.ReadyAsync();
        // The refused field's message goes once the corrected draft is saved (the page may still be
        // drawing the saved draft when its address changes).
        await clerk.WaitForSelectorAsync(
            "[data-field]",
            new PageWaitForSelectorOptions
            {
                State = WaitForSelectorState.Detached,
                Timeout = 10_000,
            }
        );
        await clerk.ConfirmAsync(".t-submit");
        await clerk.TextAsync(".t-scheme-state", "已提交待乡镇审核");
        var schemeId = clerk.Url.Split('/')[^1];

        // The township officer finds it in the to-do list and approves it there.
        var township = await portal.Browser.SignInAsync(
            role: "township-officer",
            scope: village[..9]
        );
        await township.ReadyAsync();
        await township.ClickLinkAsync($"a.todo-title[href='/schemes/{schemeId}']");
        await township.ReadyAsync();
        await township.ConfirmAsync(".t-township-approve");
        await township.TextAsync(".t-scheme-state", "乡镇已审核待县人社局批准");

        var county = await portal.Browser.SignInAsync(demoUser: "county-bureau");
        await county.ReadyAsync();
        await county.ClickLinkAsync($"a.todo-title[href='/schemes/{schemeId}']");
        await county.ReadyAsync();
        Assert.True(
            await county.Locator("[data-test=last-year]").CountAsync() == 0,
            "a new village has no last year's scheme to show"
        );
        await county.ConfirmAsync(".t-county-approve");
        await county.TextAsync(".t-scheme-state", "县人社局已批准");

        var scheme = await (await _settlement.Registry.CountyBureau()).GetFromJsonAsync<JsonObject>(
            $"/api/registry/schemes/{schemeId}"
        );
        Assert.Equal("county-approved", scheme!["state"]!.GetValue<string>());
        Assert.Equal(100m, scheme["terms"]!["incentives"]![0]!["amount"]!.GetValue<decimal>());
        foreach (var page in new[] { clerk, township, county })
            await page.Context.CloseAsync();
    }

    [Fact]
    public async Task County_centre_sees_the_error_table_of_a_bad_file_downloads_the_report_then_a_good_file_is_accepted()
    {
        var village = "360222203301";
        var bureau = await _settlement.Registry.CountyBureau();
        await RegistryDriver.ReadAsync(
            await bureau.PostAsJsonAsync(
                "/api/registry/divisions",
                new { code = village, name = "门户导入村" }
            ),
            HttpStatusCode.Created
        );
        await Eventually.TrueAsync(
            async () =>
                (await bureau.GetAsync($"/api/imports/divisions/{village}")).IsSuccessStatusCode,
            "the village to be known to the import"
        );

        var good = Enumerable.Range(7_100_001, 30).Select(p => Row(p, village, Year, 500)).ToList();
        var bad = good.Take(10).Select(row => row.ToArray()).ToList();
        bad[3][1] = bad[3][1][..17] + (bad[3][1][17] == '0' ? '1' : '0'); // a wrong check character
        bad[6][7] = "-5";
        var directory = Directory.CreateTempSubdirectory("portal-import").FullName;
        var badFile = Path.Combine(directory, "坏文件.csv");
        var goodFile = Path.Combine(directory, "缴费明细.csv");
        await File.WriteAllBytesAsync(badFile, Csv(bad, new UTF8Encoding(false)));
        await File.WriteAllBytesAsync(goodFile, Csv(good, new UTF8Encoding(false)));

        var centre = await portal.Browser.SignInAsync(demoUser: "county-centre");
        await centre.OpenAsync("/imports");
        await centre.FillAsync("#import-scope", village[..9]);
        await centre.PressAsync("#import-scope", "Tab");
        await centre.WaitForTimeoutAsync(300);
        await centre.SetInputFilesAsync(".ant-upload input[type=file]", badFile);
        await centre.WaitForSelectorAsync(
            ".t-import-rejected",
            new PageWaitForSelectorOptions { Timeout = 60_000 }
        );
        var table = await centre.WaitForSelectorAsync(".t-import-errors");
        var text = await table!.TextContentAsync();
        Assert.Contains("公民身份号码", text);
        Assert.Contains("缴费金额", text);
        Assert.Contains("-5", text);
        foreach (var header in new[] { "行号", "列", "值", "原因" })
            Assert.Contains(
                header,
                await centre.Locator(".t-import-errors thead").TextContentAsync()
            );

        var download = await centre.RunAndWaitForDownloadAsync(() =>
            centre.ClickAsync("[data-test=errors-csv]")
        );
        var report = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains("行号,列,值,原因", report);
        Assert.Equal(2, report.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);

        await centre.SetInputFilesAsync(".ant-upload input[type=file]", goodFile);
        await centre.WaitForSelectorAsync(
            ".t-import-accepted",
            new PageWaitForSelectorOptions { Timeout = 60_000 }
        );
        Assert.Equal(
            1,
            await centre
                .Locator("[data-test=current-batch] .ant-progress-status-success")
                .CountAsync()
        );
        Assert.Contains("30", await centre.Locator(".t-import-accepted").TextContentAsync());
        await centre.Context.CloseAsync();
    }

    [Fact]
    public async Task A_village_year_goes_from_calculated_to_credited_through_the_portal_and_its_documents_download()
    {
        var village = "360222204301";
        await _settlement.CalculatedAsync(
            village,
            "门户结算村",
            [(7_200_001, ""), (7_200_002, "低保对象")],
            [Row(7_200_001, village, Year, 1000), Row(7_200_002, village, Year, 500)]
        );

        var clerk = await portal.Browser.SignInAsync(role: "village-clerk", scope: village);
        await clerk.OpenAsync($"/village-years/{village}/{Year}");
        Assert.Equal(2, await clerk.Locator(".t-results tbody tr.ant-table-row").CountAsync());
        await clerk.ConfirmAsync(".t-step-confirm");
        await clerk.TextAsync(".t-village-year-state", "村已确认");
        await clerk.ConfirmAsync(".t-step-notice");
        await clerk.TextAsync(".t-village-year-state", "公示中");
        // Closing before the period is over: the API offers the step refused, with its reason,
        // and the page draws it so.
        await clerk.TextAsync("[data-test=step-refusal]", "尚未结束");
        Assert.True(await clerk.IsDisabledAsync(".t-step-notice-close"));

        var later = await portal.Browser.SignInAsync(
            role: "village-clerk",
            scope: village,
            businessDate: Today.AddDays(7)
        );
        await later.OpenAsync($"/village-years/{village}/{Year}");
        await later.ConfirmAsync(".t-step-notice-close");
        await later.TextAsync(".t-village-year-state", "公示结束");
        await later.ConfirmAsync(".t-step-application");
        await later.TextAsync(".t-village-year-state", "已提交申报表");

        var centre = await portal.Browser.SignInAsync(demoUser: "county-centre");
        await centre.ReadyAsync();
        await centre.ClickLinkAsync($"a.todo-title[href='/village-years/{village}/{Year}']");
        await centre.ReadyAsync();
        await centre.ConfirmAsync(".t-step-approval");
        await centre.TextAsync(".t-village-year-state", "县社保中心已审核");
        await centre.ConfirmAsync(".t-step-payment-notice");
        // The simulated tax bureau pays the notice by itself; the page shows it without a reload.
        await centre.TextAsync(".t-village-year-state", "已缴费", 90_000);
        await centre.ConfirmAsync(".t-step-credit");
        await centre.TextAsync(".t-village-year-state", "已到账");

        var standing = await (await _settlement.Observer()).GetFromJsonAsync<JsonObject>(
            $"/api/calculation/village-years/{village}/{Year}"
        );
        Assert.Equal("credited", standing!["state"]!.GetValue<string>());

        // Documents: every kind appears on the village-year page; the PDFs download and read as
        // what they are.
        await centre.ClickAsync(".ant-tabs-tab:has-text('文书')");
        foreach (
            var kind in new[]
            {
                "花名册（PDF）",
                "花名册（XLSX）",
                "公示（PDF）",
                "申报表（PDF）",
                "缴费通知单（PDF）",
                "到账明细（XLSX）",
            }
        )
        {
            await centre.TextAsync(".t-documents tbody", kind, 90_000);
        }
        var roster = await PdfTextAsync(centre, "花名册（PDF）");
        Assert.Contains("集体补助花名册", roster);
        Assert.Contains("测试7200001", roster);
        var notice = await PdfTextAsync(centre, "缴费通知单（PDF）");
        Assert.Contains("缴费通知单", notice);
        Assert.Contains(standing["paymentNotice"]!["number"]!.GetValue<string>(), notice);
        foreach (var page in new[] { clerk, later, centre })
            await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_clerk_of_another_village_sees_nothing_of_a_village_not_theirs()
    {
        var village = "360222204302";
        var other = "360222204303";
        await _settlement.CalculatedAsync(
            village,
            "门户隔离村",
            [(7_300_001, "")],
            [Row(7_300_001, village, Year, 1000)]
        );
        var scheme = (
            await (await _settlement.Registry.CountyBureau()).GetFromJsonAsync<JsonArray>(
                $"/api/registry/schemes?division={village}&year={Year}"
            )
        )![0]!["id"]!.GetValue<string>();

        var clerk = await portal.Browser.SignInAsync(role: "village-clerk", scope: other);
        await clerk.ReadyAsync();
        Assert.Equal(0, await clerk.Locator($"a[href*='{village}']").CountAsync());
        await clerk.OpenAsync("/documents");
        Assert.Equal(0, await clerk.Locator($"text={village}").CountAsync());

        await clerk.GotoAsync($"/village-years/{village}/{Year}");
        await clerk.TextAsync(".ant-result", "无权访问");
        Assert.Equal(0, await clerk.Locator(".t-results").CountAsync());
        Assert.Equal(0, await clerk.Locator("text=测试7300001").CountAsync());

        await clerk.GotoAsync($"/schemes/{scheme}");
        await clerk.TextAsync(".ant-result", "无权访问");
        await clerk.Context.CloseAsync();
    }

    [Fact]
    public async Task The_county_roll_up_page_shows_the_totals_of_the_summary_API()
    {
        var village = "360222204304";
        await _settlement.CalculatedAsync(
            village,
            "门户汇总村",
            [(7_400_001, "")],
            [Row(7_400_001, village, Year, 1000)]
        );
        var api = await _settlement.Observer();

        var centre = await portal.Browser.SignInAsync(demoUser: "county-centre");
        await Eventually.TrueAsync(
            async () =>
            {
                await centre.OpenAsync("/reports");
                await centre.WaitForSelectorAsync("[data-test=total-amount]");
                var summary = (
                    await api.GetFromJsonAsync<JsonObject>(
                        $"/api/calculation/summaries/360222000000/{Year}"
                    )
                )!["division"]!;
                return Number(await centre.TextContentAsync("[data-test=total-village-years]"))
                        == summary["villageYears"]!.GetValue<decimal>()
                    && Number(await centre.TextContentAsync("[data-test=total-members]"))
                        == summary["members"]!.GetValue<decimal>()
                    && Number(await centre.TextContentAsync("[data-test=total-eligible]"))
                        == summary["eligible"]!.GetValue<decimal>()
                    && Number(await centre.TextContentAsync("[data-test=total-amount]"))
                        == summary["amount"]!.GetValue<decimal>()
                    && Number(await centre.TextContentAsync("[data-test=total-paid]"))
                        == summary["paidAmount"]!.GetValue<decimal>()
                    && Number(await centre.TextContentAsync("[data-test=total-credited]"))
                        == summary["creditedAmount"]!.GetValue<decimal>();
            },
            "the roll-up page's totals to equal the summary API's"
        );
        Assert.True(
            await centre.Locator(".t-rollup-children tbody tr.ant-table-row").CountAsync() > 0
        );
        var charts = centre.Locator(".js-plotly-plot");
        for (var waited = 0; await charts.CountAsync() < 2 && waited < 15_000; waited += 250)
            await Task.Delay(250);
        Assert.Equal(2, await charts.CountAsync());
        await centre.Context.CloseAsync();
    }

    [Fact]
    public async Task Pages_label_their_inputs_order_their_headings_and_work_from_the_keyboard()
    {
        var village = "360222204305";
        await _settlement.CalculatedAsync(
            village,
            "门户键盘村",
            [(7_500_001, ""), (7_500_002, "")],
            [Row(7_500_001, village, Year, 1000), Row(7_500_002, village, Year, 300)]
        );

        var centre = await portal.Browser.SignInAsync(demoUser: "county-centre");
        foreach (
            var path in new[]
            {
                "/",
                "/village-years",
                "/imports",
                "/tax-bureau",
                "/reports",
                "/assessments",
                "/documents",
                "/audit",
                $"/village-years/{village}/{Year}",
            }
        )
        {
            await centre.OpenAsync(path);
            var check = JsonNode.Parse(
                await centre.EvaluateAsync<string>(
                    """
                    () => {
                      const shown = e => e.offsetParent !== null && e.type !== 'hidden' && e.type !== 'file';
                      const unlabeled = [...document.querySelectorAll('input, select, textarea')].filter(shown)
                        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby') && !e.closest('label'))
                        .map(e => e.outerHTML.slice(0, 160));
                      const levels = [...document.querySelectorAll('main h1, main h2, main h3, main h4')].map(h => +h.tagName[1]);
                      const skips = levels.some((level, i) => i > 0 && level > levels[i - 1] + 1);
                      return JSON.stringify({ unlabeled, levels, skips, h1: levels.filter(l => l === 1).length });
                    }
                    """
                )
            )!;
            Assert.True(
                check["unlabeled"]!.AsArray().Count == 0,
                $"{path}: inputs without a label: {check["unlabeled"]}"
            );
            Assert.True(
                check["h1"]!.GetValue<int>() == 1,
                $"{path}: one h1, headings {check["levels"]}"
            );
            Assert.False(
                check["skips"]!.GetValue<bool>(),
                $"{path}: headings skip a level: {check["levels"]}"
            );
        }

        // Enter submits a query form; Esc closes a drawer.
        await centre.OpenAsync("/village-years");
        await centre.FillAsync("#q-name", village);
        await centre.PressAsync("#q-name", "Enter");
        await centre.WaitForSelectorAsync(
            $".t-village-years tbody tr.ant-table-row:has-text('{village}')"
        );
        // The filtered page replaces the whole list once the server answers: wait for it rather
        // than count the old one.
        var rows = centre.Locator(".t-village-years tbody tr.ant-table-row");
        for (var waited = 0; await rows.CountAsync() != 1 && waited < 10_000; waited += 200)
            await Task.Delay(200);
        Assert.Equal(1, await rows.CountAsync());
        await centre.OpenAsync($"/village-years/{village}/{Year}");
        await centre.ClickAsync(".t-results tbody tr.ant-table-row >> text=详情");
        await centre.WaitForSelectorAsync(".ant-drawer-open [data-test=explanation]");
        await centre.Keyboard.PressAsync("Escape");
        await centre.WaitForSelectorAsync(
            ".ant-drawer-open",
            new PageWaitForSelectorOptions
            {
                State = WaitForSelectorState.Detached,
                Timeout = 10_000,
            }
        );
        await centre.Context.CloseAsync();
    }

    private static decimal Number(string? shown) =>
        decimal.Parse(
            (shown ?? "").Replace("元", "").Replace(",", "").Trim(),
            CultureInfo.InvariantCulture
        );

    private static async Task<string> PdfTextAsync(IPage page, string kind)
    {
        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.Locator("tr", new PageLocatorOptions { HasText = kind })
                .First.Locator("a[data-test=download]")
                .ClickAsync()
        );
        using var pdf = PdfDocument.Open((await download.PathAsync())!);
        return string.Join(
            "\n",
            pdf.GetPages().Select(p => string.Concat(p.Letters.Select(l => l.Value)))
        );
    }
}
