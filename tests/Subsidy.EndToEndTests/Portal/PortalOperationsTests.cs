using Microsoft.Playwright;

namespace Subsidy.EndToEndTests.Portal;

/// <summary>运维监控 through the portal: the operator sees every instance and queue and discards a
/// dead letter with a reason.</summary>
[Collection(SystemCollection.Name)]
public sealed class PortalOperationsTests(SubsidySystem system, PortalFixture portal)
    : IClassFixture<PortalFixture>,
        IAsyncLifetime
{
    public Task InitializeAsync() => portal.StartAsync(system);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_operator_sees_every_service_healthy_and_discards_a_dead_letter_with_its_reason()
    {
        await PoisonMessages.PublishConfirmationOfUnknownVillageAsync(system, "3602221004XX");
        var page = await portal.Browser.SignInAsync(demoUser: "operator");
        await page.ReadyAsync();
        await page.ClickLinkAsync("a[href='/operations']");
        await page.ReadyAsync();

        await page.TextAsync("table:has-text('实例地址')", "文书服务");
        Assert.DoesNotContain("不可用", await page.TextContentAsync("table:has-text('实例地址')"));
        await page.TextAsync("table:has-text('待处理消息')", "document-settlement-documents");

        // The page reads again every ten seconds: the poison message appears once its retries are
        // spent and the document service has taken it from its error queue.
        var row = "tr.ant-table-row:has-text('村年度结算环节办理')";
        await page.WaitForSelectorAsync(row, new() { Timeout = 60_000 });
        await page.ClickAsync($"{row} >> nth=0 >> button:has-text('丢弃')");
        await page.ClickAsync(".ant-modal-footer .ant-btn-primary");
        await page.TextAsync("[data-field=reason]", "原因");
        await page.FillAsync("#dead-letter-reason", "门户测试：无需处理");
        await page.ClickAsync(".ant-modal-footer .ant-btn-primary");
        await page.TextAsync(".ant-message", "已丢弃");

        await page.ClickAsync("label:has-text('已丢弃')");
        await page.TextAsync("tr.ant-table-row:has-text('门户测试：无需处理')", "已丢弃");
    }
}
