using static Subsidy.EndToEndTests.ContributionFiles;

namespace Subsidy.EndToEndTests.Portal;

/// <summary>The portal's server-paged lists: each starts from its own menu entry's filter and says
/// how many it holds in all.</summary>
[Collection(SystemCollection.Name)]
public sealed class PortalListTests(SubsidySystem system, PortalFixture portal)
    : IClassFixture<PortalFixture>,
        IAsyncLifetime
{
    // 勒功乡 (360222206) is this class's alone: it counts the township's village-years.
    private const string Village = "360222206401";
    private readonly SettlementDriver _settlement = new(system);

    public Task InitializeAsync() => portal.StartAsync(system);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Moving_from_objections_to_the_village_year_list_shows_every_village_year_under_its_own_title_and_each_list_its_total()
    {
        await _settlement.CalculatedAsync(
            Village,
            "列表村",
            [(2_064_001, ""), (2_064_002, "")],
            [
                Row(2_064_001, Village, SettlementDriver.Year, 1000),
                Row(2_064_002, Village, SettlementDriver.Year, 500),
            ]
        );
        var township = await portal.Browser.SignInAsync(
            role: "township-officer",
            scope: Village[..9]
        );
        await township.ReadyAsync();

        await township.ClickLinkAsync("a[href='/objections']");
        await township.ReadyAsync();
        await township.TextAsync("h1", "异议处理");
        Assert.True(await township.IsCheckedAsync("input[type=checkbox]"));
        await township.TextAsync("[data-test=list-total]", "共 0 个村年度");

        await township.ClickLinkAsync("a[href='/village-years']");
        await township.TextAsync("h1", "村年度一览", 10_000);
        await township.TextAsync(".t-village-years tbody", "列表村", 10_000);
        Assert.False(await township.IsCheckedAsync("input[type=checkbox]"));
        await township.TextAsync("[data-test=list-total]", "共 1 个村年度");

        // Back again: the objections' own filter, not the list's.
        await township.ClickLinkAsync("a[href='/objections']");
        await township.TextAsync("h1", "异议处理", 10_000);
        await township.TextAsync("[data-test=list-total]", "共 0 个村年度", 10_000);

        // The village-year's members: one page of them, and how many in all.
        await township.OpenAsync($"/village-years/{Village}/{SettlementDriver.Year}");
        await township.TextAsync("[data-test=list-total]", "共 2 人");

        // What the run was worked out from, in words: no JSON, no ids, no fingerprint.
        await township.ClickAsync(".ant-tabs-tab:has-text('测算依据与缴费')");
        var basis = await township.TextAsync(".ant-tabs-tabpane-active", "补助资金预算", 10_000);
        var text = await basis!.InnerTextAsync();
        Assert.Contains("县社保中心导出的本年度缴费明细", text);
        Assert.Contains($"本村 {SettlementDriver.Year} 年度方案（第 ", text);
        Assert.DoesNotContain("{", text);
        Assert.DoesNotMatch("[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}", text);
        await township.Context.CloseAsync();
    }
}
