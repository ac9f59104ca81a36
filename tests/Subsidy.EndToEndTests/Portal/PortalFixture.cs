using System.Text.RegularExpressions;
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

    /// <summary>Types into a field: the element itself when it is the input, else the input the
    /// AntDesign control draws inside it (a number or a date).</summary>
    public static Task EnterAsync(this IPage page, string field, string value) =>
        page.Locator($"input{field}, {field} input").First.FillAsync(value);

    /// <summary>Types a date into an AntDesign date picker and takes it with Enter, as a user who
    /// types rather than picks does.</summary>
    public static async Task EnterDateAsync(this IPage page, string field, string date)
    {
        var input = page.Locator($"input{field}, {field} input").First;
        // The picker redraws the field with the date it took; a redraw still under way can undo
        // what was typed, so the date is typed again until the field keeps it.
        for (var attempt = 0; ; attempt++)
        {
            await input.ClickAsync();
            await input.FillAsync(date);
            await input.PressAsync("Enter");
            await input.PressAsync("Tab");
            await Task.Delay(300);
            if (await input.InputValueAsync() == date || attempt == 4)
                break;
        }
        Assert.Equal(date, await input.InputValueAsync());
    }

    /// <summary>Chooses the option of an AntDesign select that shows exactly this name, as a user
    /// picks it from the open list.</summary>
    public static async Task ChooseAsync(this IPage page, string selectSelector, string optionName)
    {
        await page.ClickAsync(selectSelector);
        await page.Locator(
                ".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option"
            )
            .Filter(
                new LocatorFilterOptions
                {
                    HasTextRegex = new Regex($@"^\s*{Regex.Escape(optionName)}\s*$"),
                }
            )
            .First.ClickAsync();
        await page.WaitForSelectorAsync(
            ".ant-select-dropdown:not(.ant-select-dropdown-hidden)",
            new PageWaitForSelectorOptions { State = WaitForSelectorState.Hidden }
        );
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
