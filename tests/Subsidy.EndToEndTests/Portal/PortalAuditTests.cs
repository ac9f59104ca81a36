using System.Net;
using static Subsidy.EndToEndTests.ContributionFiles;

namespace Subsidy.EndToEndTests.Portal;

/// <summary>审计日志 reads in Chinese: what was done to what, never the codes the entries are
/// stored with.</summary>
[Collection(SystemCollection.Name)]
public sealed class PortalAuditTests(SubsidySystem system, PortalFixture portal)
    : IClassFixture<PortalFixture>,
        IAsyncLifetime
{
    private const string Village = "360222205402";
    private readonly SettlementDriver _settlement = new(system);

    public Task InitializeAsync() => portal.StartAsync(system);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_audit_log_names_each_action_object_and_division_in_Chinese_without_codes()
    {
        await _settlement.CalculatedAsync(
            Village,
            "审计村",
            [(2_064_101, "")],
            [Row(2_064_101, Village, SettlementDriver.Year, 1000)]
        );
        await SettlementDriver.StepAsync(
            await system.GatewayAsAsync("village-clerk", Village),
            Village,
            "confirm",
            HttpStatusCode.OK
        );
        var auditor = await portal.Browser.SignInAsync(role: "auditor", scope: "36022");
        await auditor.OpenAsync("/audit");
        await auditor.FillAsync("#a-division", Village);

        await auditor.ChooseAsync("#a-source", "村年度结算与税务回执");
        await auditor.ClickAsync("form[aria-label=查询审计日志] button[type=submit]");
        var settlement = await auditor.TextAsync(".section tbody", "村确认", 10_000);
        var text = await settlement!.InnerTextAsync();
        Assert.Contains("村年度 · 审计村 " + SettlementDriver.Year + "年度", text);
        Assert.Contains("审计村（" + Village + "）", text);
        Assert.Contains("已测算 → 村已确认", text);
        Assert.DoesNotContain("confirm", text);
        Assert.DoesNotContain("village-year", text);

        await auditor.ChooseAsync("#a-source", "方案、试点、区划与政策参数");
        await auditor.ClickAsync("form[aria-label=查询审计日志] button[type=submit]");
        var registry = await auditor.TextAsync(".section tbody", "乡镇审核通过", 10_000);
        text = await registry!.InnerTextAsync();
        Assert.Contains("集体补助方案 · 审计村", text);
        Assert.Contains("新建方案", text);
        Assert.DoesNotContain("approve-township", text);
        Assert.DoesNotContain("scheme", text);
        await auditor.Context.CloseAsync();
    }
}
