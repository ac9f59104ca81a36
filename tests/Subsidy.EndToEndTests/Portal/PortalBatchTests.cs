using System.Net;
using System.Net.Http.Json;

namespace Subsidy.EndToEndTests.Portal;

/// <summary>Work of one kind is one line of the to-do list, and one action does all of it.</summary>
[Collection(SystemCollection.Name)]
public sealed class PortalBatchTests(SubsidySystem system, PortalFixture portal)
    : IClassFixture<PortalFixture>,
        IAsyncLifetime
{
    private readonly RegistryDriver _registry = new(system);

    public Task InitializeAsync() => portal.StartAsync(system);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_township_officer_approves_all_its_waiting_schemes_from_one_to_do_line()
    {
        // 王港乡's schemes are SchemeBatchTests' and this test's; these two villages are this test's.
        string[] villages = ["360222200311", "360222200312"];
        var today = SettlementDriver.Today;
        foreach (var village in villages)
        {
            await _registry.ActiveVillageAsync(village, "批量门户村" + village[^1]);
            var id = await _registry.DraftAsync(village, today.Year, today);
            await RegistryDriver.ReadAsync(
                await (await _registry.Clerk(village)).SendAsync(
                    RegistryDriver.Post($"/api/registry/schemes/{id}/submit", null, today)
                ),
                HttpStatusCode.OK
            );
        }
        var officer = await portal.Browser.SignInAsync(
            role: "township-officer",
            scope: "360222200"
        );
        await officer.ReadyAsync();
        var line = await officer.TextAsync(".todo-list", "个村的补助方案待审核");
        Assert.Contains("批量审核", await line!.InnerTextAsync());

        await officer.ClickLinkAsync("a.todo-title[href='/schemes?state=submitted']");
        await officer.ReadyAsync();
        await officer.TextAsync(".t-batch", "全部审核通过");
        await officer.ConfirmAsync(".t-batch");
        await officer.TextAsync(".ant-message", "已审核通过");
        foreach (var village in villages)
        {
            var scheme = (
                await (
                    await _registry.CountyBureau()
                ).GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>(
                    $"/api/registry/schemes?division={village}&year={today.Year}"
                )
            )![0]!;
            Assert.Equal("township-approved", RegistryDriver.State(scheme.AsObject()));
        }
        await officer.Context.CloseAsync();
    }

    [Fact]
    public async Task The_county_centre_approves_every_submitted_application_from_the_filtered_list()
    {
        const string village = "360222200331";
        var settlement = new SettlementDriver(system);
        await settlement.ApplicationSubmittedAsync(village, "批量申报村", 2_064_341);
        var centre = await portal.Browser.SignInAsync(demoUser: "county-centre");
        await centre.OpenAsync("/village-years?state=application-submitted");
        await centre.TextAsync(".t-village-years tbody", "批量申报村");
        await centre.TextAsync(".t-batch", "全部审核通过");
        await centre.ConfirmAsync(".t-batch");
        await centre.TextAsync(".ant-message", "已审核通过");
        await settlement.StateAsync(village, "approved");
        await centre.Context.CloseAsync();
    }

    [Fact]
    public async Task A_county_bureau_approves_every_pilot_application_from_one_to_do_line()
    {
        string[] villages = ["360222200411", "360222200412"];
        var county = await _registry.CountyBureau();
        foreach (var village in villages)
            await _registry.AppliedVillageAsync(village, "批量试点门户村" + village[^1]);
        var bureau = await portal.Browser.SignInAsync(role: "county-bureau", scope: "360222");
        await bureau.ReadyAsync();
        var line = await bureau.TextAsync(".todo-list", "个村申请加入试点");
        Assert.Contains("批量审批", await line!.InnerTextAsync());

        await bureau.ClickLinkAsync("a.todo-title[href='/pilots']");
        await bureau.ReadyAsync();
        await bureau.TextAsync(".t-pilot-batch", "全部批准");
        await bureau.ConfirmAsync(".t-pilot-batch");
        await bureau.TextAsync(".ant-message", "已批准");
        foreach (var village in villages)
        {
            var pilot = await county.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>(
                $"/api/registry/pilots/{village}"
            );
            Assert.Equal("active", pilot!["status"]!.GetValue<string>());
        }
        await bureau.Context.CloseAsync();
    }

    [Fact]
    public async Task The_city_sees_its_filings_county_by_county_and_a_countys_line_opens_its_list()
    {
        const string village = "360222200421";
        var today = SettlementDriver.Today;
        await _registry.ActiveVillageAsync(village, "批量备案门户村");
        var id = await _registry.DraftAsync(village, today.Year, today);
        await _registry.ApproveAsync(village, id, today);

        var city = await portal.Browser.SignInAsync(role: "city-bureau", scope: "3602");
        await city.ReadyAsync();
        var line = await city.TextAsync(".todo-list", "浮梁县");
        var text = await line!.InnerTextAsync();
        Assert.Contains("个村的补助方案待备案", text);
        Assert.Contains("批量备案", text);

        await city.ClickLinkAsync("a.todo-title[href='/schemes?state=county-approved&q=360222']");
        await city.ReadyAsync();
        await city.TextAsync(".t-batch", "全部备案");
        // The list is the county's: every village shown is one of 浮梁县's.
        Assert.Equal("360222", await city.InputValueAsync("#q-village"));
        await city.Context.CloseAsync();
    }
}
