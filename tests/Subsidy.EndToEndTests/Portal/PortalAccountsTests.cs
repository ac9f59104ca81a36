using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Subsidy.Demo;

namespace Subsidy.EndToEndTests.Portal;

/// <summary>账号管理 through the portal, over the identity service's accounts API with the
/// administrator's own token.</summary>
[Collection(SystemCollection.Name)]
public sealed class PortalAccountsTests(SubsidySystem system, PortalFixture portal)
    : IClassFixture<PortalFixture>,
        IAsyncLifetime
{
    public Task InitializeAsync() => portal.StartAsync(system);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_county_bureau_creates_an_account_hands_over_its_one_time_password_and_disables_it_unseen_by_another_county()
    {
        var userName = "portal-" + Guid.NewGuid().ToString("N")[..8];
        var county = await portal.Browser.SignInAsync(demoUser: "county-bureau");
        await county.ReadyAsync();
        await county.ClickLinkAsync("a[href='/accounts']");
        await county.ReadyAsync();

        await county.ClickAsync(".t-new-account");
        await county.FillAsync("#f-userName", userName);
        await county.FillAsync("#f-displayName", "湘湖镇社保所 门户测试");
        await county.ChooseAsync("#f-role", "乡镇社保所");
        // A township officer's scope is nine digits: the API's reason shows at the field.
        await county.FillAsync("#f-scope", "3602221");
        await county.ClickAsync(".ant-modal-footer .ant-btn-primary");
        Assert.Contains(
            "9位",
            await (await county.WaitForSelectorAsync("[data-field=scope]"))!.TextContentAsync()
        );
        await county.FillAsync("#f-scope", "360222103");
        await county.ClickAsync(".ant-modal-footer .ant-btn-primary");
        var oneTime = (
            await (
                await county.WaitForSelectorAsync("[data-test=one-time-password]")
            )!.TextContentAsync()
        )!.Trim();
        Assert.True(oneTime.Length >= 10, "a one-time password of the policy's length");

        // The password shown is the account's: its holder signs in with it (and sets their own, as
        // the policy asks).
        var flow = new SignInFlow(system.Gateway.BaseAddress!)
        {
            NewPassword = () => "湘湖镇的新密码-Portal2026",
        };
        Assert.False(string.IsNullOrEmpty((await flow.SignInAsync(userName, oneTime)).AccessToken));

        // Filtered on the server: only this account.
        await county.FillAsync("#acc-q", userName);
        await county.PressAsync("#acc-q", "Enter");
        var row = $".t-accounts tbody tr.ant-table-row:has-text('{userName}')";
        await county.WaitForSelectorAsync(row);
        var rows = county.Locator(".t-accounts tbody tr.ant-table-row");
        for (var waited = 0; await rows.CountAsync() != 1 && waited < 10_000; waited += 200)
            await Task.Delay(200);
        Assert.Equal(1, await rows.CountAsync());
        Assert.Contains("乡镇社保所", await county.TextContentAsync(row));

        await county.ConfirmAsync($"{row} .t-disable");
        await county.TextAsync($"{row} .t-account-state", "停用");
        var admin = await system.GatewayAsAsync("county-bureau", "360222");
        Assert.False(
            (await admin.GetFromJsonAsync<JsonObject>($"/api/accounts/{userName}"))![
                "enabled"
            ]!.GetValue<bool>()
        );

        // The county bureau of another county: not in its list, and asking for this county is
        // refused with the API's reason.
        var other = await portal.Browser.SignInAsync(role: "county-bureau", scope: "360281");
        await other.OpenAsync("/accounts");
        await other.FillAsync("#acc-q", userName);
        await other.PressAsync("#acc-q", "Enter");
        await other.WaitForSelectorAsync(".t-accounts .ant-empty");
        Assert.Equal(0, await other.Locator($"text={userName}").CountAsync());
        await other.FillAsync("#acc-q", "");
        await other.FillAsync("#acc-scope", "360222");
        await other.PressAsync("#acc-scope", "Enter");
        await other.TextAsync(".t-api-message", "管辖范围");
        Assert.Equal(0, await other.Locator($"text={userName}").CountAsync());

        // The list API the page pages through: a page, and the number of matches beside it.
        var page = await admin.GetAsync($"/api/accounts?q={userName}&page=1&pageSize=5");
        Assert.Equal("1", page.Headers.GetValues("X-Total-Count").Single());
        Assert.Single((await page.Content.ReadFromJsonAsync<JsonArray>())!);
        Assert.Equal(
            HttpStatusCode.BadRequest,
            (await admin.GetAsync("/api/accounts?page=0&pageSize=5000")).StatusCode
        );
        foreach (var p in new[] { county, other })
            await p.Context.CloseAsync();
    }
}
