using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Subsidy.Contracts;
using static Subsidy.EndToEndTests.ContributionFiles;
using static Subsidy.EndToEndTests.SettlementDriver;

namespace Subsidy.EndToEndTests;

[Collection(SystemCollection.Name)]
public class SettlementTests(SubsidySystem system) : IAsyncLifetime
{
    private readonly SettlementDriver _driver = new(system);
    private EventProbe _events = null!;

    public async Task InitializeAsync() =>
        _events = await EventProbe.StartAsync(
            system,
            typeof(SettlementStepTaken),
            typeof(PaymentRequested)
        );

    public async Task DisposeAsync() => await _events.DisposeAsync();

    [Fact]
    public async Task A_village_year_goes_from_its_calculation_to_credited_with_every_step_audited_and_published()
    {
        const string village = "360222106211";
        await _driver.CalculatedAsync(
            village,
            "结算村",
            [(711001, "低保对象"), (711002, ""), (711003, "")],
            [Row(711001, village, Year, 500, identity: "061"), Row(711002, village, Year, 1000)]
        );
        var clerk = await _driver.Registry.Clerk(village);
        var township = await _driver.Registry.Township(village);
        var centre = await _driver.Centre();

        await StepAsync(clerk, village, "confirm", HttpStatusCode.OK);
        var notice = await StepAsync(clerk, village, "notice", HttpStatusCode.OK);
        Assert.Equal(
            (600m, 2),
            (notice["total"]!.GetValue<decimal>(), notice["recipients"]!.GetValue<int>())
        );

        // 丙 objects on the second day of the notice: he paid in time, the export missed it.
        var objection = new
        {
            idNumber = Id(711003),
            complaint = "本人已于3月缴费，测算结果为未缴费",
        };
        var filed = await StepAsync(
            clerk,
            village,
            "objections",
            HttpStatusCode.OK,
            objection,
            Today.AddDays(1)
        );
        Assert.Equal(1, filed["openObjections"]!.GetValue<int>());
        var late = await StepAsync(
            clerk,
            village,
            "objections",
            HttpStatusCode.BadRequest,
            objection,
            Today.AddDays(7)
        );
        Assert.Contains("公示期内", late["errors"]!["filedOn"]![0]!.GetValue<string>());
        var closing = await StepAsync(
            clerk,
            village,
            "notice/close",
            HttpStatusCode.Conflict,
            on: Today.AddDays(7)
        );
        Assert.Contains("异议未处理", closing["detail"]!.GetValue<string>());

        var objections = (await centre.GetFromJsonAsync<JsonArray>(Path(village, "objections")))!;
        var objectionId = Assert.Single(objections)!["id"]!.GetValue<string>();
        var uphold = $"objections/{objectionId}/uphold";
        await StepAsync(
            clerk,
            village,
            uphold,
            HttpStatusCode.Forbidden,
            new { amount = 300, reason = "经核实已按时缴费" },
            Today.AddDays(2)
        );
        var tooMuch = await StepAsync(
            township,
            village,
            uphold,
            HttpStatusCode.BadRequest,
            new { amount = 1000000, reason = "经核实已按时缴费" },
            Today.AddDays(2)
        );
        Assert.Contains("上限", tooMuch["errors"]!["amount"]![0]!.GetValue<string>());
        var upheld = await StepAsync(
            township,
            village,
            uphold,
            HttpStatusCode.OK,
            new { amount = 300, reason = "经核实已按时缴费" },
            Today.AddDays(2)
        );
        Assert.Equal(900m, upheld["total"]!.GetValue<decimal>());
        // The answer is the village-year's status with the member the objection was about (masked),
        // not the whole list.
        Assert.Equal(
            (MaskedId(711003), 300m),
            (
                upheld["member"]!["idNumber"]!.GetValue<string>(),
                upheld["member"]!["amount"]!.GetValue<decimal>()
            )
        );
        Assert.Contains("异议采纳", upheld["member"]!["explanation"]!.GetValue<string>());
        Assert.Null(upheld["results"]);
        await StepAsync(
            township,
            village,
            $"objections/{objectionId}/dismiss",
            HttpStatusCode.Conflict,
            new { reason = "重复处理" },
            Today.AddDays(2)
        );

        await StepAsync(clerk, village, "notice/close", HttpStatusCode.OK, on: Today.AddDays(7));
        await StepAsync(clerk, village, "application", HttpStatusCode.OK);
        await StepAsync(centre, village, "rejection", HttpStatusCode.BadRequest);
        var rejected = await StepAsync(
            centre,
            village,
            "rejection",
            HttpStatusCode.OK,
            new { reason = "申报表未加盖村集体经济组织公章" }
        );
        Assert.Equal("notice-closed", rejected["state"]!.GetValue<string>());
        Assert.Equal(
            "申报表未加盖村集体经济组织公章",
            rejected["rejectionReason"]!.GetValue<string>()
        );
        await StepAsync(clerk, village, "application", HttpStatusCode.OK);
        await StepAsync(centre, village, "approval", HttpStatusCode.OK);

        // Here the centre registers the payment by hand: the simulated tax bureau answers this
        // village only after the run (an hour), never before the test's own registration.
        using (
            var told = await system
                .App.CreateHttpClient("tax-bureau-simulator")
                .PostAsJsonAsync(
                    $"/simulator/instructions/{village}",
                    new { mode = "Pay", delaySeconds = 3600 }
                )
        )
            Assert.Equal(HttpStatusCode.NoContent, told.StatusCode);
        var issued = await StepAsync(centre, village, "payment-notice", HttpStatusCode.OK);
        var paymentNotice = issued["paymentNotice"]!;
        var number = paymentNotice["number"]!.GetValue<string>();
        Assert.Matches($"^360222-{Year}-\\d{{4}}$", number);
        Assert.Equal(900m, paymentNotice["amount"]!.GetValue<decimal>());
        Assert.Equal("红星村股份经济合作社", paymentNotice["payer"]!.GetValue<string>());
        Assert.Equal(
            Today.AddDays(30).ToString("yyyy-MM-dd"),
            paymentNotice["dueOn"]!.GetValue<string>()
        );
        var request = await _events.WaitForAsync<PaymentRequested>(
            r => r.NoticeNumber == number,
            "the payment request to the tax bureau"
        );
        Assert.Equal(
            (900m, "N2360222MF0000000K", 3),
            (request.Amount, request.CreditCode, request.Lines.Count)
        );
        Assert.Equal(900m, request.Lines.Sum(l => l.Amount));

        var wrongAmount = await StepAsync(
            centre,
            village,
            "payment",
            HttpStatusCode.BadRequest,
            new { receiptNumber = "SW360222000001", amount = 899.99m }
        );
        Assert.Contains("不符", wrongAmount["errors"]!["amount"]![0]!.GetValue<string>());
        await StepAsync(
            centre,
            village,
            "payment",
            HttpStatusCode.OK,
            new { receiptNumber = "SW360222000001", amount = 900m }
        );
        var credited = await StepAsync(centre, village, "credit", HttpStatusCode.OK);
        Assert.Equal("credited", credited["state"]!.GetValue<string>());
        Assert.Equal(
            "SW360222000001",
            credited["paymentNotice"]!["receiptNumber"]!.GetValue<string>()
        );

        var creditStep = await _events.WaitForAsync<SettlementStepTaken>(
            e => e.VillageCode == village && e.Step == SettlementStep.Credit,
            "the credit step event"
        );
        Assert.Equal(
            (900m, 3, "SW360222000001"),
            (
                creditStep.Snapshot.Total,
                creditStep.Snapshot.Lines.Count,
                creditStep.Snapshot.PaymentNotice!.ReceiptNumber
            )
        );
        Assert.Equal(
            "异议采纳调整",
            creditStep.Snapshot.Lines.Single(l => l.IdNumber == Id(711003)).Note
        );
        var steps = await Eventually.GetAsync(
            () =>
                Task.FromResult(
                    _events
                        .Received<SettlementStepTaken>()
                        .Where(e => e.VillageCode == village)
                        .DistinctBy(e => e.StepId)
                        .OrderBy(e => e.StepId)
                        .Select(e => EnumCodes.Of(e.Step))
                        .ToList()
                        is { Count: 12 } all
                        ? all
                        : null
                ),
            "every step to be published"
        );
        Assert.Equal(
            [
                "confirm",
                "publish-notice",
                "file-objection",
                "resolve-objection",
                "close-notice",
                "submit-application",
                "reject",
                "submit-application",
                "approve",
                "issue-payment-notice",
                "record-payment",
                "credit",
            ],
            steps
        );
        // Steps whose documents list no members (none, 申报表, 缴费通知单) carry the totals without the
        // member lines.
        foreach (var step in new[] { "approve", "submit-application", "issue-payment-notice" })
        {
            var taken = _events
                .Received<SettlementStepTaken>()
                .First(e => e.VillageCode == village && EnumCodes.Of(e.Step) == step);
            Assert.Empty(taken.Snapshot.Lines);
            Assert.Equal((900m, 3), (taken.Snapshot.Total, taken.Snapshot.Recipients));
        }

        var audit = (
            await centre.GetFromJsonAsync<JsonArray>(
                $"/api/calculation/audit?division={village}&entity=village-year"
            )
        )!;
        Assert.Contains(audit, e =>
            e!["action"]!.GetValue<string>() == "reject"
            && e["reason"]!.GetValue<string>() == "申报表未加盖村集体经济组织公章"
            && e["actorRole"]!.GetValue<string>() == "county-centre"
        );
        Assert.Contains(audit, e =>
            e!["action"]!.GetValue<string>() == "credit"
            && e["toState"]!.GetValue<string>() == "已到账"
        );

        var townshipSummary = (
            await centre.GetFromJsonAsync<JsonObject>(
                $"/api/calculation/summaries/360222106000/{Year}"
            )
        )!;
        var line = townshipSummary["children"]!
            .AsArray()
            .Single(c => c!["code"]!.GetValue<string>() == village)!;
        Assert.Equal(
            (900m, 900m, 1),
            (
                line["amount"]!.GetValue<decimal>(),
                line["creditedAmount"]!.GetValue<decimal>(),
                line["states"]!["credited"]!.GetValue<int>()
            )
        );
        var countySummary = (
            await (await _driver.Registry.City()).GetFromJsonAsync<JsonObject>(
                $"/api/calculation/summaries/360222000000/{Year}"
            )
        )!;
        Assert.True(
            countySummary["children"]!
                .AsArray()
                .Single(c => c!["code"]!.GetValue<string>() == "360222106000")![
                "creditedAmount"
            ]!.GetValue<decimal>() >= 900m
        );
        // Each step's document: the application form, the payment notice with its number, the
        // credited-details export.
        var documents = await Eventually.GetAsync(
            async () =>
            {
                var list = await (await _driver.Observer()).GetFromJsonAsync<JsonArray>(
                    $"/api/documents?division={village}"
                );
                var kinds = list!.Select(d => d!["kind"]!.GetValue<string>()).ToHashSet();
                return kinds.IsSupersetOf([
                    "roster-xlsx",
                    "roster-pdf",
                    "notice-pdf",
                    "application-pdf",
                    "payment-notice-pdf",
                    "credited-xlsx",
                    "credited-csv",
                ])
                    ? list
                    : null;
            },
            "every settlement document"
        );
        string DocumentId(string kind) =>
            documents.Last(d => d!["kind"]!.GetValue<string>() == kind)!["id"]!.GetValue<string>();
        using (
            var paymentPdf = UglyToad.PdfPig.PdfDocument.Open(
                await centre.GetByteArrayAsync($"/api/documents/{DocumentId("payment-notice-pdf")}")
            )
        )
        {
            var text = string.Concat(
                paymentPdf.GetPages().Select(p => string.Concat(p.Letters.Select(l => l.Value)))
            );
            Assert.Contains(number, text);
            Assert.Contains("900.00 元（大写：玖佰元整）", text);
            Assert.Contains("3 人（名单见集体补助花名册）", text);
        }
        using (
            var applicationPdf = UglyToad.PdfPig.PdfDocument.Open(
                await centre.GetByteArrayAsync($"/api/documents/{DocumentId("application-pdf")}")
            )
        )
        {
            // Drawn from the step's stated count and total: the application's event carries no
            // member list.
            var text = string.Concat(
                applicationPdf.GetPages().Select(p => string.Concat(p.Letters.Select(l => l.Value)))
            );
            Assert.Contains("3 人", text);
            Assert.Contains("900.00 元（大写：玖佰元整）", text);
        }
        // One kind of the year's documents, as a county officer asks for all payment notices.
        var paymentNotices = (
            await centre.GetFromJsonAsync<JsonArray>(
                $"/api/documents?division={village}&year={Year}&kind=payment-notice-pdf"
            )
        )!;
        Assert.Equal(
            DocumentId("payment-notice-pdf"),
            Assert.Single(paymentNotices)!["id"]!.GetValue<string>()
        );
        var creditedCsv = System.Text.Encoding.UTF8.GetString(
            await centre.GetByteArrayAsync(
                $"/api/documents/{DocumentId("credited-csv")}?purpose=回写养老保险业务系统"
            )
        );
        Assert.Contains(
            $"测试711003,{Id(711003)},{village},{Year},集体补助,正常缴费,,300.00,",
            creditedCsv
        );

        // The township's year summary, on request: one row per village, this one credited in full.
        var townshipOfficer = await _driver.Registry.Township(village);
        var summary = await RegistryDriver.ReadAsync(
            await townshipOfficer.PostAsync($"/api/documents/summaries/360222106000/{Year}", null),
            HttpStatusCode.OK
        );
        var summaryRows = MiniExcelLibs
            .MiniExcel.Query(
                new MemoryStream(
                    await townshipOfficer.GetByteArrayAsync($"/api/documents/{summary["id"]}")
                ),
                useHeaderRow: false
            )
            .Cast<IDictionary<string, object?>>()
            .ToList();
        Assert.EndsWith(
            $"{Year}年度城乡居民基本养老保险集体补助汇总表",
            summaryRows[0]["A"]!.ToString()
        );
        Assert.Contains(summaryRows, r =>
            village.Equals(r["B"])
            && "结算村".Equals(r["C"])
            && Equals(900d, r["F"])
            && Equals(900d, r["H"])
        );
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (
                await clerk.PostAsync($"/api/documents/summaries/360222106000/{Year}", null)
            ).StatusCode
        );

        var otherTownship = await system.GatewayAsAsync("township-officer", "360222107");
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (
                await otherTownship.GetAsync($"/api/calculation/summaries/360222106000/{Year}")
            ).StatusCode
        );
    }

    [Fact]
    public async Task Every_step_out_of_order_or_by_the_wrong_role_or_village_is_refused()
    {
        const string village = "360222106212";
        await _driver.CalculatedAsync(
            village,
            "次序村",
            [(712001, "")],
            [Row(712001, village, Year, 500)]
        );
        var clerk = await _driver.Registry.Clerk(village);
        var centre = await _driver.Centre();
        var township = await _driver.Registry.Township(village);

        // From "calculated" only the village's confirmation is possible.
        foreach (
            var (client, step) in new[]
            {
                (clerk, "notice"),
                (clerk, "notice/close"),
                (clerk, "objections"),
                (clerk, "application"),
                (centre, "approval"),
                (centre, "rejection"),
                (centre, "payment-notice"),
                (centre, "payment"),
                (centre, "credit"),
                (clerk, "recalculation"),
            }
        )
        {
            var refused = await client.SendAsync(
                RegistryDriver.Post(
                    Path(village, step),
                    new
                    {
                        reason = "试",
                        idNumber = Id(712001),
                        complaint = "试",
                        receiptNumber = "SW1",
                        amount = 100,
                    },
                    Today
                )
            );
            Assert.True(
                refused.StatusCode == HttpStatusCode.Conflict,
                $"{step} from calculated: {(int)refused.StatusCode} {await refused.Content.ReadAsStringAsync()}"
            );
        }
        foreach (
            var (client, step) in new[]
            {
                (centre, "confirm"),
                (township, "confirm"),
                (clerk, "approval"),
                (clerk, "payment-notice"),
                (township, "credit"),
            }
        )
        {
            var refused = await StepAsync(
                client,
                village,
                step,
                HttpStatusCode.Forbidden,
                new { reason = "试" }
            );
            Assert.Contains("须由", refused["detail"]!.GetValue<string>());
        }
        var neighbour = await system.GatewayAsAsync("village-clerk", "360222106299");
        await StepAsync(neighbour, village, "confirm", HttpStatusCode.Forbidden);
        Assert.Equal(
            HttpStatusCode.Unauthorized,
            (await system.Gateway.PostAsync(Path(village, "confirm"), null)).StatusCode
        );

        await StepAsync(clerk, village, "confirm", HttpStatusCode.OK);
        await StepAsync(clerk, village, "confirm", HttpStatusCode.Conflict);
        await StepAsync(centre, village, "approval", HttpStatusCode.Conflict);
        await StepAsync(clerk, village, "notice", HttpStatusCode.OK);
        await StepAsync(clerk, village, "application", HttpStatusCode.Conflict);
        var unchanged = await (await _driver.Registry.CountyBureau()).GetFromJsonAsync<JsonObject>(
            $"/api/calculation/village-years/{village}/{Year}"
        );
        Assert.Equal("notice-published", unchanged!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_budget_limited_village_serves_floors_first_and_an_objection_cannot_take_it_over_budget()
    {
        const string village = "360222106213";
        var terms = RegistryDriver.Terms(Today.AddDays(-1), budget: 300);
        var calculated = await _driver.CalculatedAsync(
            village,
            "预算村",
            [(713001, "低保对象"), (713002, ""), (713003, "")],
            [
                Row(713001, village, Year, 500, identity: "061"),
                Row(713002, village, Year, 1000),
                Row(713003, village, Year, 1000),
            ],
            terms
        );

        // Wanted: 200 + 100, 300, 300 = 900 of a budget of 300. The floor (200) is served;
        // incentives share the other 100 (× 100 / 700).
        var members = Members(calculated);
        Assert.Equal(
            (200m, 14.28m),
            (
                members[Id(713001)]["floorPart"]!.GetValue<decimal>(),
                members[Id(713001)]["incentivePart"]!.GetValue<decimal>()
            )
        );
        Assert.Equal(42.85m, members[Id(713002)]["amount"]!.GetValue<decimal>());
        Assert.Contains(
            "BUDGET_PRORATED",
            members[Id(713002)]["flags"]!.AsArray().Select(f => f!.GetValue<string>())
        );
        Assert.Equal(299.98m, calculated["total"]!.GetValue<decimal>());
        var prorated = calculated["totals"]!
            .AsArray()
            .Single(t => t!["code"]!.GetValue<string>() == "BUDGET_PRORATED")!;
        Assert.Equal(3, prorated["members"]!.GetValue<int>());

        var clerk = await _driver.Registry.Clerk(village);
        var township = await _driver.Registry.Township(village);
        await StepAsync(clerk, village, "confirm", HttpStatusCode.OK);
        await StepAsync(clerk, village, "notice", HttpStatusCode.OK);
        await StepAsync(
            township,
            village,
            "objections",
            HttpStatusCode.OK,
            new { idNumber = Id(713002), complaint = "补助低于同档次村民" }
        );
        var objectionId = (
            await (await _driver.Centre()).GetFromJsonAsync<JsonArray>(Path(village, "objections"))
        )![0]!["id"]!.GetValue<string>();

        // 0.02 of the budget is left: 42.85 may rise to 42.87, not a fen more.
        var over = await StepAsync(
            township,
            village,
            $"objections/{objectionId}/uphold",
            HttpStatusCode.BadRequest,
            new { amount = 42.88m, reason = "按同档次补足" }
        );
        Assert.Contains("最多可调整为 42.87 元", over["errors"]!["amount"]![0]!.GetValue<string>());
        var upheld = await StepAsync(
            township,
            village,
            $"objections/{objectionId}/uphold",
            HttpStatusCode.OK,
            new { amount = 42.87m, reason = "按同档次补足" }
        );
        Assert.Equal(300.00m, upheld["total"]!.GetValue<decimal>());
        Assert.Equal(
            (MaskedId(713002), 42.85m, 42.87m),
            (
                upheld["member"]!["idNumber"]!.GetValue<string>(),
                upheld["member"]!["subsidy"]!.GetValue<decimal>(),
                upheld["member"]!["amount"]!.GetValue<decimal>()
            )
        );
    }

    [Fact]
    public async Task Suspending_the_pilot_halts_the_unpaid_village_year_and_resuming_returns_it_where_it_was()
    {
        const string village = "360222106214";
        await _driver.CalculatedAsync(
            village,
            "暂停村",
            [(714001, "")],
            [Row(714001, village, Year, 500)]
        );
        var clerk = await _driver.Registry.Clerk(village);
        var county = await _driver.Registry.CountyBureau();
        await StepAsync(clerk, village, "confirm", HttpStatusCode.OK);
        await StepAsync(clerk, village, "notice", HttpStatusCode.OK);

        await RegistryDriver.ReadAsync(
            await county.PostAsJsonAsync(
                $"/api/registry/pilots/{village}/suspend",
                new { reason = "集体经济困难，暂停补助", effectiveDate = Today }
            ),
            HttpStatusCode.OK
        );
        await _driver.StateAsync(village, "suspended");
        var halted = await StepAsync(
            clerk,
            village,
            "notice/close",
            HttpStatusCode.Conflict,
            on: Today.AddDays(7)
        );
        Assert.Contains("暂停", halted["detail"]!.GetValue<string>());
        var suspension = await _events.WaitForAsync<SettlementStepTaken>(
            e => e.VillageCode == village && e.Step == SettlementStep.Suspend,
            "the suspension step"
        );
        Assert.Equal(
            ("notice-published", "集体经济困难，暂停补助"),
            (EnumCodes.Of(suspension.FromState), suspension.Reason)
        );

        await RegistryDriver.ReadAsync(
            await clerk.PostAsJsonAsync(
                $"/api/registry/pilots/{village}/apply",
                new
                {
                    lastYearIncome = 400000,
                    operatingIncome = 200000,
                    plannedSubsidy = 60000,
                }
            ),
            HttpStatusCode.OK
        );
        await RegistryDriver.ReadAsync(
            await county.PostAsJsonAsync($"/api/registry/pilots/{village}/approve", new { }),
            HttpStatusCode.OK
        );
        await _driver.StateAsync(village, "notice-published");
        await StepAsync(clerk, village, "notice/close", HttpStatusCode.OK, on: Today.AddDays(7));
    }

    [Fact]
    public async Task Confirmation_issues_the_roster_and_the_notice_issues_a_masked_public_notice()
    {
        const string village = "360222106215";
        await _driver.CalculatedAsync(
            village,
            "文书村",
            [(715001, "低保对象"), (715002, "")],
            [Row(715001, village, Year, 500, identity: "061"), Row(715002, village, Year, 1000)]
        );
        var clerk = await _driver.Registry.Clerk(village);
        await StepAsync(clerk, village, "confirm", HttpStatusCode.OK);
        await StepAsync(clerk, village, "notice", HttpStatusCode.OK);

        var documents = await Eventually.GetAsync(
            async () =>
            {
                var list = await clerk.GetFromJsonAsync<JsonArray>(
                    $"/api/documents?division={village}"
                );
                return list!.Count >= 3 ? list : null;
            },
            "the roster and the notice to be issued"
        );
        string IdOf(string kind) =>
            documents.Single(d => d!["kind"]!.GetValue<string>() == kind)![
                "id"
            ]!.GetValue<string>();

        var workbook = await clerk.GetByteArrayAsync(
            $"/api/documents/{IdOf("roster-xlsx")}?purpose=打印花名册报审"
        );
        var rows = MiniExcelLibs
            .MiniExcel.Query(new MemoryStream(workbook), useHeaderRow: false)
            .Cast<IDictionary<string, object?>>()
            .ToList();
        Assert.EndsWith("文书村城乡居民基本养老保险集体补助花名册", rows[0]["A"]!.ToString());
        Assert.Contains(rows, r =>
            Id(715001).Equals(r["C"]) && "低保对象".Equals(r["D"]) && 300d.Equals(r["G"])
        );
        Assert.Contains(rows, r =>
            r["A"] is string a && a.Contains("陆佰元整", StringComparison.Ordinal)
        );

        var notice = await clerk.GetByteArrayAsync($"/api/documents/{IdOf("notice-pdf")}");
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(notice);
        var text = string.Concat(
            pdf.GetPages().Select(p => string.Concat(p.Letters.Select(l => l.Value)))
        );
        Assert.Contains($"文书村{Year}年度城乡居民基本养老保险集体补助公示", text);
        Assert.Contains(Id(715001)[..6] + "********" + Id(715001)[14..], text);
        Assert.DoesNotContain(Id(715001), text);
        Assert.DoesNotContain("低保", text);

        var neighbour = await system.GatewayAsAsync("village-clerk", "360222106299");
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await neighbour.GetAsync($"/api/documents/{IdOf("roster-pdf")}")).StatusCode
        );

        // A corrected export after the notice: the result goes stale, is recalculated and confirmed
        // again, and the roster is re-issued as version 2 beside the unchanged version 1.
        var correction = await (await _driver.Centre()).PostAsync(
            $"/api/imports/contributions?scope=360222106&year={Year}",
            new ByteArrayContent(
                Csv(
                    [
                        Row(715001, village, Year, 500, identity: "061"),
                        Row(715002, village, Year, 500),
                    ],
                    new System.Text.UTF8Encoding(false)
                )
            )
        );
        Assert.Equal(HttpStatusCode.Accepted, correction.StatusCode);
        await Eventually.TrueAsync(
            async () =>
                (await clerk.GetFromJsonAsync<JsonObject>(Path(village, "").TrimEnd('/')))![
                    "stale"
                ]!.GetValue<bool>(),
            "the result to turn stale"
        );
        await StepAsync(
            clerk,
            village,
            "recalculation",
            HttpStatusCode.OK,
            new { reason = "更正缴费数据" }
        );
        await _driver.StateAsync(village, "calculated");
        await StepAsync(clerk, village, "confirm", HttpStatusCode.OK);
        var rosters = await Eventually.GetAsync(
            async () =>
            {
                var list = (
                    await clerk.GetFromJsonAsync<JsonArray>($"/api/documents?division={village}")
                )!
                    .Where(d => d!["kind"]!.GetValue<string>() == "roster-pdf")
                    .ToList();
                return list.Count == 2 ? list : null;
            },
            "the roster to be re-issued"
        );
        Assert.Equal([1, 2], rosters.Select(d => d!["version"]!.GetValue<int>()).ToArray());
        Assert.NotEqual(
            rosters[0]!["sha256"]!.GetValue<string>(),
            rosters[1]!["sha256"]!.GetValue<string>()
        );
        Assert.Equal(
            workbook,
            await clerk.GetByteArrayAsync(
                $"/api/documents/{IdOf("roster-xlsx")}?purpose=打印花名册报审"
            )
        );
    }
}
