using Microsoft.Playwright;
using Subsidy.Portal.Testing;

namespace Subsidy.EndToEndTests.Portal;

/// <summary>One Chromium for the portal tests, pointed at the started system's gateway (which
/// serves the portal at /).</summary>
public sealed class PortalFixture : IAsyncLifetime
{
    private SubsidySystem? _system;

    public PortalBrowser Browser { get; private set; } = null!;

    public async Task StartAsync(SubsidySystem system)
    {
        if (_system is not null)
            return;
        _system = system;
        await system
            .App.ResourceNotifications.WaitForResourceHealthyAsync("portal")
            .WaitAsync(TimeSpan.FromMinutes(2));
        Browser = await PortalBrowser.LaunchAsync(system.Gateway.BaseAddress!.ToString());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
    }
}

public static class PageSteps
{
    /// <summary>Waits until the page has read its data from the gateway.</summary>
    public static Task ReadyAsync(this IPage page) =>
        page.WaitForSelectorAsync(
            "[data-test=page-ready]",
            new PageWaitForSelectorOptions
            {
                State = WaitForSelectorState.Attached,
                Timeout = 60_000,
            }
        );

    public static async Task OpenAsync(this IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.ReadyAsync();
    }

    /// <summary>Clicks a button that asks for confirmation, then confirms.</summary>
    public static async Task ConfirmAsync(this IPage page, string buttonSelector)
    {
        await page.ClickAsync(buttonSelector);
        await page.ClickAsync(".ant-modal-confirm-btns .ant-btn-primary");
        await page.WaitForSelectorAsync(
            ".ant-modal-confirm",
            new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached }
        );
    }

    public static async Task<IElementHandle?> TextAsync(
        this IPage page,
        string selector,
        string text,
        int timeoutMs = 60_000
    )
    {
        try
        {
            return await page.WaitForSelectorAsync(
                $"{selector}:has-text(\"{text}\")",
                new PageWaitForSelectorOptions { Timeout = timeoutMs }
            );
        }
        catch (TimeoutException)
        {
            await page.ShotAsync("waiting-for-" + text);
            throw;
        }
    }

    /// <summary>What the page showed, kept beside the service logs when a step did not
    /// happen.</summary>
    public static async Task ShotAsync(this IPage page, string name)
    {
        var safe = string.Concat(name.Select(c => char.IsLetterOrDigit(c) ? c : '-'));
        var directory = Path.Combine(AppContext.BaseDirectory, "service-logs");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(
            new PageScreenshotOptions
            {
                Path = Path.Combine(directory, $"portal-{safe}.png"),
                FullPage = true,
            }
        );
    }

    public static async Task ClickLinkAsync(this IPage page, string selector)
    {
        try
        {
            await page.ClickAsync(selector);
        }
        catch (TimeoutException)
        {
            await page.ShotAsync("link-" + selector);
            throw;
        }
    }
}
