using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using static Subsidy.EndToEndTests.SettlementDriver;

namespace Subsidy.EndToEndTests;

/// <summary>docs/design/07-tax-bureau.md with the real broker: every answer the simulated tax
/// bureau can give, each ending in the right state.</summary>
[Collection(SystemCollection.Name)]
public class TaxBureauTests(SubsidySystem system)
{
    private readonly SettlementDriver _driver = new(system);

    private async Task TellSimulatorAsync(string village, string mode, double delaySeconds = 0.5)
    {
        var simulator = system.App.CreateHttpClient("tax-bureau-simulator");
        var told = await simulator.PostAsJsonAsync(
            $"/simulator/instructions/{village}",
            new { mode, delaySeconds }
        );
        Assert.Equal(HttpStatusCode.NoContent, told.StatusCode);
    }

    private async Task<JsonObject> VillageYearAsync(string village) =>
        (
            await (await _driver.Observer()).GetFromJsonAsync<JsonObject>(
                $"/api/calculation/village-years/{village}/{Year}"
            )
        )!;

    private async Task<List<JsonObject>> AnswersAsync(string noticePrefix) =>
        (
            await (await _driver.Observer()).GetFromJsonAsync<JsonArray>(
                "/api/calculation/tax-bureau/answers"
            )
        )!
            .Select(a => a!.AsObject())
            .Where(a =>
                a["noticeNumber"]!
                    .GetValue<string>()
                    .StartsWith(noticePrefix, StringComparison.Ordinal)
            )
            .ToList();

    private async Task<JsonObject> AnswerAsync(string notice, string outcome) =>
        await Eventually.GetAsync(
            async () =>
                (await AnswersAsync(notice)).FirstOrDefault(a =>
                    a["outcome"]!.GetValue<string>() == outcome
                ),
            $"a {outcome} answer for {notice}"
        );

    [Fact]
    public async Task A_matching_payment_marks_the_village_year_paid_and_the_county_then_credits_it()
    {
        const string village = "360222106221";
        await TellSimulatorAsync(village, "Pay");
        var notice = await _driver.PaymentNoticeIssuedAsync(village, "缴费村", 721001);
        var paid = await _driver.StateAsync(village, "paid");
        Assert.Equal(
            "SW" + notice.Replace("-", ""),
            paid["paymentNotice"]!["receiptNumber"]!.GetValue<string>()
        );
        Assert.Equal(300m, paid["paymentNotice"]!["paidAmount"]!.GetValue<decimal>());
        await StepAsync(await _driver.Centre(), village, "credit", HttpStatusCode.OK);
        Assert.Equal("credited", (await VillageYearAsync(village))["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_short_payment_is_a_discrepancy_until_the_county_accepts_it_with_a_reason()
    {
        const string village = "360222106222";
        await TellSimulatorAsync(village, "ShortPay");
        var notice = await _driver.PaymentNoticeIssuedAsync(village, "少缴村", 722001);
        var discrepancy = await AnswerAsync(notice, "discrepancy");
        Assert.True(discrepancy["open"]!.GetValue<bool>());
        Assert.Contains("少缴 10.00 元", discrepancy["detail"]!.GetValue<string>());
        Assert.Equal(
            "payment-notice-issued",
            (await VillageYearAsync(village))["state"]!.GetValue<string>()
        );

        var centre = await _driver.Centre();
        var path = $"/api/calculation/tax-bureau/answers/{discrepancy["id"]}/resolution";
        Assert.Equal(
            HttpStatusCode.Conflict,
            (await centre.PostAsJsonAsync(path, new { decision = "accept" })).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (
                await (await _driver.Registry.Clerk(village)).PostAsJsonAsync(
                    path,
                    new { decision = "accept", reason = "x" }
                )
            ).StatusCode
        );
        var resolved = await RegistryDriver.ReadAsync(
            await centre.PostAsJsonAsync(
                path,
                new
                {
                    decision = "accept",
                    reason = "差额10元由村集体另行补缴，经中心主任同意按实缴确认",
                }
            ),
            HttpStatusCode.OK
        );
        Assert.False(resolved["open"]!.GetValue<bool>());
        var paid = await VillageYearAsync(village);
        Assert.Equal(
            ("paid", 290m),
            (
                paid["state"]!.GetValue<string>(),
                paid["paymentNotice"]!["paidAmount"]!.GetValue<decimal>()
            )
        );
        Assert.Equal(
            HttpStatusCode.Conflict,
            (
                await centre.PostAsJsonAsync(path, new { decision = "dismiss", reason = "again" })
            ).StatusCode
        );

        // One figure of what was paid: the screen's summary and the printed 汇总表 both show the
        // 290.00 received.
        var township = village[..9] + "000";
        var onScreen = (
            await centre.GetFromJsonAsync<JsonObject>(
                $"/api/calculation/summaries/{township}/{Year}"
            )
        )!["children"]!
            .AsArray()
            .Single(c => c!["code"]!.GetValue<string>() == village)![
            "paidAmount"
        ]!.GetValue<decimal>();
        Assert.Equal(290m, onScreen);
        var officer = await _driver.Registry.Township(village);
        await Eventually.TrueAsync(
            async () =>
            {
                var summary = await RegistryDriver.ReadAsync(
                    await officer.PostAsync($"/api/documents/summaries/{township}/{Year}", null),
                    HttpStatusCode.OK
                );
                var rows = MiniExcelLibs
                    .MiniExcel.Query(
                        new MemoryStream(
                            await officer.GetByteArrayAsync($"/api/documents/{summary["id"]}")
                        ),
                        useHeaderRow: false
                    )
                    .Cast<IDictionary<string, object?>>();
                return rows.Any(r =>
                    village.Equals(r["B"])
                    && Convert.ToDecimal(r["G"], System.Globalization.CultureInfo.InvariantCulture)
                        == onScreen
                );
            },
            "the printed summary to show what the tax bureau received"
        );
    }

    [Fact]
    public async Task An_over_payment_dismissed_by_the_county_leaves_the_notice_waiting()
    {
        const string village = "360222106223";
        await TellSimulatorAsync(village, "OverPay");
        var notice = await _driver.PaymentNoticeIssuedAsync(village, "多缴村", 723001);
        var discrepancy = await AnswerAsync(notice, "discrepancy");
        Assert.Contains("多缴 10.00 元", discrepancy["detail"]!.GetValue<string>());
        await RegistryDriver.ReadAsync(
            await (await _driver.Centre()).PostAsJsonAsync(
                $"/api/calculation/tax-bureau/answers/{discrepancy["id"]}/resolution",
                new
                {
                    decision = "dismiss",
                    reason = "多缴款由税务部门退还，待按通知单金额重新缴费",
                }
            ),
            HttpStatusCode.OK
        );
        Assert.DoesNotContain(await AnswersAsync(notice), a => a["open"]!.GetValue<bool>());
        Assert.Equal(
            "payment-notice-issued",
            (await VillageYearAsync(village))["state"]!.GetValue<string>()
        );
    }

    [Fact]
    public async Task A_receipt_sent_twice_is_recorded_once()
    {
        const string village = "360222106224";
        await TellSimulatorAsync(village, "Duplicate");
        var notice = await _driver.PaymentNoticeIssuedAsync(village, "重复村", 724001);
        await _driver.StateAsync(village, "paid");
        await Task.Delay(2000); // the second copy has arrived by now
        Assert.Single(await AnswersAsync(notice));
        var audit = (
            await (await _driver.Centre()).GetFromJsonAsync<JsonArray>(
                $"/api/calculation/audit?division={village}&entity=village-year"
            )
        )!;
        Assert.Single(audit, e => e!["action"]!.GetValue<string>() == "record-payment");
    }

    [Fact]
    public async Task A_rejection_keeps_the_notice_issued_with_the_reason_shown()
    {
        const string village = "360222106225";
        await TellSimulatorAsync(village, "Reject");
        var notice = await _driver.PaymentNoticeIssuedAsync(village, "拒收村", 725001);
        await AnswerAsync(notice, "rejected");
        var villageYear = await VillageYearAsync(village);
        Assert.Equal("payment-notice-issued", villageYear["state"]!.GetValue<string>());
        Assert.Contains(
            "登记信息与通知单不符",
            villageYear["paymentNotice"]!["rejectionReason"]!.GetValue<string>()
        );
    }

    [Fact]
    public async Task A_receipt_for_an_unknown_notice_is_parked_and_listed()
    {
        const string village = "360222106226";
        await TellSimulatorAsync(village, "Unknown");
        var notice = await _driver.PaymentNoticeIssuedAsync(village, "未知村", 726001);
        var parked = await AnswerAsync(notice + "-X", "unknown-notice");
        Assert.True(parked["open"]!.GetValue<bool>());
        var open = (
            await (await _driver.Centre()).GetFromJsonAsync<JsonArray>(
                "/api/calculation/tax-bureau/answers?open=true"
            )
        )!;
        Assert.Contains(open, a =>
            a!["id"]!.GetValue<string>() == parked["id"]!.GetValue<string>()
        );
        Assert.Equal(
            "payment-notice-issued",
            (await VillageYearAsync(village))["state"]!.GetValue<string>()
        );
    }

    [Fact]
    public async Task RabbitMQ_restarted_between_request_and_receipt_loses_nothing()
    {
        const string village = "360222106227";
        await TellSimulatorAsync(village, "Pay", delaySeconds: 8);
        var notice = await _driver.PaymentNoticeIssuedAsync(village, "重启村", 727001);
        var simulator = system.App.CreateHttpClient("tax-bureau-simulator");
        await Eventually.TrueAsync(
            async () =>
                (await simulator.GetFromJsonAsync<JsonArray>("/simulator/requests"))!.Any(r =>
                    r!["noticeNumber"]!.GetValue<string>() == notice
                ),
            "the tax bureau to receive the request"
        );
        await system.StopResourceAsync("rabbitmq");
        await system.StartResourceAsync("rabbitmq");
        var paid = await Eventually.GetAsync(
            async () =>
            {
                var body = await VillageYearAsync(village);
                return body["state"]!.GetValue<string>() == "paid" ? body : null;
            },
            "the receipt after the broker's restart",
            TimeSpan.FromMinutes(2)
        );
        Assert.Equal(300m, paid["paymentNotice"]!["paidAmount"]!.GetValue<decimal>());
        Assert.Single(await AnswersAsync(notice));
    }
}
