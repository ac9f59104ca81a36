using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Subsidy.EndToEndTests.ContributionFiles;

namespace Subsidy.EndToEndTests.Portal;

/// <summary>Whole ID numbers in the portal: masked lists, the clerk's audited reveal with a purpose,
/// none for a township officer (docs/security.md).</summary>
[Collection(SystemCollection.Name)]
public sealed class PortalIdNumberTests(SubsidySystem system, PortalFixture portal)
    : IClassFixture<PortalFixture>,
        IAsyncLifetime
{
    private const string Village = "360222118201";
    private static readonly int Year = SettlementDriver.Year;
    private static readonly int[] People = [918_001, 918_002];
    private readonly SettlementDriver _settlement = new(system);

    public Task InitializeAsync() => portal.StartAsync(system);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_clerk_reveals_whole_numbers_by_choosing_a_purpose_and_a_township_officer_cannot()
    {
        await _settlement.Registry.TownshipAsync(Village, "门户证号镇");
        await _settlement.CalculatedAsync(
            Village,
            "门户证号村",
            People.Select(p => (p, "")),
            People.Select(p => Row(p, Village, Year, 500))
        );

        var clerk = await portal.Browser.SignInAsync(role: "village-clerk", scope: Village);
        await clerk.OpenAsync($"/village-years/{Village}/{Year}");
        await clerk.WaitForSelectorAsync(".t-results tbody tr.ant-table-row");
        var shown = await clerk.Locator(".t-results tbody").TextContentAsync();
        Assert.All(People, p => Assert.Contains(MaskedId(p), shown));
        Assert.All(People, p => Assert.DoesNotContain(Id(p), shown));

        await clerk.ClickAsync(".t-id-purpose");
        await clerk
            .Locator(
                ".ant-select-item-option",
                new PageLocatorOptions { HasText = "办理参保人异议" }
            )
            .ClickAsync();
        await clerk.ClickAsync(".t-reveal-id-numbers");
        await clerk.WaitForSelectorAsync(".t-id-numbers-full");
        Assert.Contains("办理参保人异议", await clerk.TextContentAsync(".t-id-numbers-full"));
        await clerk.WaitForFunctionAsync(
            "id => document.querySelector('.t-results tbody').textContent.includes(id)",
            Id(People[0])
        );
        var revealed = await clerk.Locator(".t-results tbody").TextContentAsync();
        Assert.All(People, p => Assert.Contains(Id(p), revealed));

        var auditor = await system.GatewayAsAsync("auditor", "360222");
        var entries = (
            await auditor.GetFromJsonAsync<JsonArray>(
                $"/api/calculation/audit?division={Village}&entity=personal-data"
            )
        )!;
        Assert.Contains(entries, e =>
            e!["reason"]!
                .GetValue<string>()
                .StartsWith("用途：办理参保人异议", StringComparison.Ordinal)
        );

        await clerk.ClickAsync(".t-mask-id-numbers");
        await clerk.WaitForSelectorAsync(".t-reveal-id-numbers");
        Assert.DoesNotContain(
            Id(People[0]),
            await clerk.Locator(".t-results tbody").TextContentAsync()
        );
        await clerk.Context.CloseAsync();

        var township = await portal.Browser.SignInAsync(
            role: "township-officer",
            scope: Village[..9]
        );
        await township.OpenAsync($"/village-years/{Village}/{Year}");
        await township.WaitForSelectorAsync(".t-results tbody tr.ant-table-row");
        Assert.Contains(
            MaskedId(People[0]),
            await township.Locator(".t-results tbody").TextContentAsync()
        );
        Assert.Equal(0, await township.Locator(".t-reveal-id-numbers").CountAsync());
        await township.Context.CloseAsync();
    }
}
