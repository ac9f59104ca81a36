using static Subsidy.EndToEndTests.ContributionFiles;

namespace Subsidy.EndToEndTests.Portal;

/// <summary>Village clerks often work on a phone: every page of theirs fits 375 px, the menu
/// folded behind a button.</summary>
[Collection(SystemCollection.Name)]
public sealed class PortalPhoneTests(SubsidySystem system, PortalFixture portal)
    : IClassFixture<PortalFixture>,
        IAsyncLifetime
{
    private const string Village = "360222205403";
    private const int Width = 375;
    private readonly SettlementDriver _settlement = new(system);

    public Task InitializeAsync() => portal.StartAsync(system);

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>How wide the page is, how wide the menu, how tall the page's title and the
    /// header's content.</summary>
    private const string Measure = """
        () => [
            document.documentElement.scrollWidth,
            Math.round(document.querySelector('.portal-sider').getBoundingClientRect().width),
            Math.round(document.querySelector('.page-heading h1')?.getBoundingClientRect().height ?? 0),
            document.querySelector('.portal-header').scrollHeight
        ]
        """;

    [Fact]
    public async Task Every_village_clerk_page_fits_a_phone_with_the_menu_folded_behind_a_button()
    {
        await _settlement.CalculatedAsync(
            Village,
            "手机村",
            [(2_064_201, "")],
            [Row(2_064_201, Village, SettlementDriver.Year, 1000)]
        );
        var clerk = await portal.Browser.SignInAsync(role: "village-clerk", scope: Village);
        await clerk.SetViewportSizeAsync(Width, 812);
        string[] pages =
        [
            "/",
            "/schemes",
            "/pilots",
            "/rosters",
            $"/village-years/{Village}/{SettlementDriver.Year}",
            "/documents",
        ];
        foreach (var path in pages)
        {
            await clerk.OpenAsync(path);
            var sizes = await clerk.EvaluateAsync<int[]>(Measure);
            Assert.True(sizes[0] <= Width, $"{path}: the page is {sizes[0]} px wide");
            Assert.True(sizes[1] == 0, $"{path}: the menu takes {sizes[1]} px");
            Assert.True(sizes[2] <= 64, $"{path}: the title is {sizes[2]} px tall");
            Assert.True(sizes[3] <= 64, $"{path}: the header's content is {sizes[3]} px tall");
        }

        // The menu opens from its button over the page, and choosing a page folds it away.
        await clerk.ClickAsync(".portal-menu-button");
        await clerk.ClickAsync(".portal-sider a[href='/documents']");
        await clerk.TextAsync("h1", "文书", 10_000);
        await Eventually.TrueAsync(
            async () => (await clerk.EvaluateAsync<int[]>(Measure))[1] == 0,
            "the menu to fold after choosing a page"
        );
        await clerk.Context.CloseAsync();
    }
}
