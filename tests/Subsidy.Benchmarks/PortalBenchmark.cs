using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Subsidy.Portal.Testing;

namespace Subsidy.Benchmarks;

/// <summary>
/// The portal's main pages on the demo data (./run.sh demo running): a screenshot of each for the README, or each
/// page's time to interactive — from navigation until the page shows its data — in headless Chromium.
/// </summary>
public static class PortalBenchmark
{
    private sealed record Shot(string File, string Label, string Path, string? DemoUser = null, string? Role = null, string? Scope = null);

    private static async Task<IReadOnlyList<Shot>> PagesAsync(string portal)
    {
        // The demo's villages: one with an objection and a large one are the most telling.
        using var http = new HttpClient { BaseAddress = new Uri(Environment.GetEnvironmentVariable("GATEWAY_URL") ?? portal) };
        var token = (await (await http.PostAsJsonAsync("/dev/token", new { user = "county-centre" })).Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!.GetValue<string>();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var year = DateTime.Now.Year;
        var page = (await http.GetFromJsonAsync<JsonObject>($"/api/calculation/village-years?year={year}&pageSize=200"))!;
        var villages = page["items"]!.AsArray().Select(v => v!.AsObject()).ToList();
        var largest = villages.OrderByDescending(v => v["members"]!.GetValue<int>()).First()["villageCode"]!.GetValue<string>();
        var township = largest[..9];
        return
        [
            new("sign-in.png", "登录", "/signin/demo"),
            new("todo-county-centre.png", "待办事项（县社保中心）", "/", DemoUser: "county-centre"),
            new("imports.png", "缴费明细导入", "/imports", DemoUser: "county-centre"),
            new("village-years.png", "村年度一览", "/village-years", DemoUser: "county-centre"),
            new("village-year.png", "村年度结算（测算结果）", $"/village-years/{largest}/{year}", Role: "village-clerk", Scope: largest),
            new("todo-village-clerk.png", "待办事项（村级经办）", "/", Role: "village-clerk", Scope: largest),
            new("schemes.png", "补助方案", "/schemes", DemoUser: "county-bureau"),
            new("scheme-new.png", "起草补助方案", $"/schemes/new?year={year + 1}", Role: "village-clerk", Scope: largest),
            new("objections.png", "异议处理", "/objections", Role: "township-officer", Scope: township),
            new("pilots.png", "试点审批", "/pilots", DemoUser: "county-bureau"),
            new("policy-years.png", "年度政策参数", "/policy-years", DemoUser: "county-bureau"),
            new("tax-bureau.png", "税务回执", "/tax-bureau", DemoUser: "county-centre"),
            new("reports-county.png", "县汇总报表", "/reports", DemoUser: "county-centre"),
            new("reports-city.png", "市汇总报表", "/reports", DemoUser: "city-bureau"),
            new("documents.png", "文书", "/documents", Role: "village-clerk", Scope: largest),
            new("audit.png", "审计日志", "/audit", DemoUser: "auditor"),
        ];
    }

    public static async Task<int> ScreenshotsAsync(string directory, string portal)
    {
        Directory.CreateDirectory(directory);
        await using var browser = await PortalBrowser.LaunchAsync(portal);
        foreach (var shot in await PagesAsync(portal))
        {
            var page = await OpenAsync(browser, shot);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, shot.File), FullPage = false });
            Console.WriteLine($"{shot.File,-28} {shot.Label}");
            await page.Context.CloseAsync();
        }
        return 0;
    }

    /// <summary>Each page opened three times after a first load; the median time until it shows its data.</summary>
    public static async Task<int> TimingsAsync(string portal)
    {
        await using var browser = await PortalBrowser.LaunchAsync(portal);
        Console.WriteLine($"{"page",-26} {"first",8} {"median",8}  target ≤ 1,000 ms after the first load");
        foreach (var shot in (await PagesAsync(portal)).Where(s => s.Path != "/signin/demo"))
        {
            var page = await OpenAsync(browser, shot);
            var times = new List<double>();
            for (var i = 0; i < 4; i++)
            {
                var clock = Stopwatch.StartNew();
                await page.GotoAsync(shot.Path);
                await page.WaitForSelectorAsync("[data-test=page-ready]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
                await page.WaitForSelectorAsync(".ant-table-tbody, .ant-empty, .todo-list, .ant-result, form", new PageWaitForSelectorOptions { Timeout = 60_000 });
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            var later = times.Skip(1).Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{shot.Label,-24} {times[0],8:0} {later[later.Count / 2],8:0}  {(later[later.Count / 2] <= 1000 ? "ok" : "SLOW")}"));
            await page.Context.CloseAsync();
        }
        return 0;
    }

    private static async Task<IPage> OpenAsync(PortalBrowser browser, Shot shot)
    {
        if (shot.DemoUser is null && shot.Role is null)
        {
            var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = browser.BaseUrl, Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
            var signIn = await context.NewPageAsync();
            await signIn.GotoAsync(shot.Path);
            return signIn;
        }
        var page = await browser.SignInAsync(shot.DemoUser, shot.Role, shot.Scope);
        page.Console += (_, message) => { if (message.Type is "error") Console.Error.WriteLine($"  browser: {message.Text}"); };
        await page.GotoAsync(shot.Path);
        try
        {
            await page.WaitForSelectorAsync("[data-test=page-ready]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        }
        catch (TimeoutException)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "portal-timeout.png") });
            throw;
        }
        // Charts and tables settle after the data arrives.
        await page.WaitForTimeoutAsync(1500);
        return page;
    }
}
