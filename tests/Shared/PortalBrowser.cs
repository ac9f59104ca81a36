using Microsoft.Playwright;

namespace Subsidy.Portal.Testing;

/// <summary>
/// Debian's Chromium driven by Playwright (no browser download is possible here), signed in to the
/// portal through its development sign-in page as a demo user or any role and scope.
/// </summary>
public sealed class PortalBrowser : IAsyncDisposable
{
    public static readonly string[] ChromiumArgs =
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];

    private readonly IPlaywright _playwright;

    public IBrowser Browser { get; }
    public string BaseUrl { get; }

    private PortalBrowser(IPlaywright playwright, IBrowser browser, string baseUrl)
    {
        _playwright = playwright;
        Browser = browser;
        BaseUrl = baseUrl.TrimEnd('/');
    }

    public static async Task<PortalBrowser> LaunchAsync(string baseUrl)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions
            {
                ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH")
                    ?? "/usr/bin/chromium",
                Args = ChromiumArgs,
                Headless = true,
            }
        );
        return new PortalBrowser(playwright, browser, baseUrl);
    }

    /// <summary>A fresh browser context signed in as a listed demo user ("village-clerk") or as a
    /// role with a scope.</summary>
    public async Task<IPage> SignInAsync(
        string? demoUser = null,
        string? role = null,
        string? scope = null,
        DateOnly? businessDate = null,
        string? returnUrl = null
    )
    {
        var context = await Browser.NewContextAsync(
            new BrowserNewContextOptions
            {
                BaseURL = BaseUrl,
                Locale = "zh-CN",
                TimezoneId = "Asia/Shanghai",
                ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
                AcceptDownloads = true,
            }
        );
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(
            "/signin/demo"
                + (returnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(returnUrl))
        );
        if (demoUser is not null)
        {
            await page.CheckAsync($"input[name=user][value='{demoUser}']");
        }
        else
        {
            await page.CheckAsync("input[name=user][value=custom]");
            await page.SelectOptionAsync("#role", role!);
            await page.FillAsync("#scope", scope!);
        }
        if (businessDate is { } date)
            await page.FillAsync("#businessDate", date.ToString("yyyy-MM-dd"));
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("[data-test=user-name]");
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
    }
}
