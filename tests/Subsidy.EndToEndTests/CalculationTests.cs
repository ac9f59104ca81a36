using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MassTransit;
using static Subsidy.EndToEndTests.ContributionFiles;

namespace Subsidy.EndToEndTests;

[Collection(SystemCollection.Name)]
public class CalculationTests(SubsidySystem system)
{
    private static readonly int Year = BusinessDay.Today.Year;
    private static readonly DateOnly Today = BusinessDay.Today;

    [Fact]
    public async Task Approved_scheme_roster_and_contributions_give_every_member_a_result()
    {
        const string village = "360222106201";
        var registry = new RegistryDriver(system);
        await registry.ActiveVillageAsync(village, "测算村");
        var id = await registry.DraftAsync(village, Year, Today); // floors 低保 200 / 特困 300; incentives 500→100, 1000→300; budget 60,000
        await registry.ApproveAsync(village, id, Today);
        var county = await registry.CountyBureau();
        await Eventually.TrueAsync(
            async () =>
                (await county.GetAsync($"/api/imports/divisions/{village}")).IsSuccessStatusCode,
            "the village to be known"
        );

        var clerk = await registry.Clerk(village);
        var waiting = await RegistryDriver.ReadAsync(
            await county.GetAsync($"/api/calculation/village-years/{village}/{Year}"),
            HttpStatusCode.OK
        );
        Assert.Equal("waiting-for-inputs", waiting["state"]!.GetValue<string>());
        await Eventually.TrueAsync(
            async () =>
            {
                var now = await county.GetFromJsonAsync<JsonObject>(
                    $"/api/calculation/village-years/{village}/{Year}"
                );
                // Its contributions may be known already, as none: another test's export of the
                // township does not list it.
                var codes = now!["waitingFor"]!
                    .AsArray()
                    .Select(w => w!["code"]!.GetValue<string>())
                    .ToList();
                return codes.Contains("roster")
                    && !codes.Contains("scheme")
                    && !codes.Contains("active-pilot")
                    && !codes.Contains("policy-year");
            },
            "the village-year to wait for its roster, once the scheme and the pilot arrived"
        );
        var roster = new StringBuilder("姓名,公民身份号码,特殊群体\r\n")
            .Append($"甲,{Id(700001)},低保对象\r\n")
            .Append($"乙,{Id(700002)},\r\n")
            .Append($"丙,{Id(700003)},\r\n")
            .Append($"丁,{Id(700004)},\r\n")
            .Append($"戊,{Id(700005)},\r\n");
        var rosterUpload = await clerk.PostAsync(
            $"/api/imports/rosters?village={village}&year={Year}",
            new ByteArrayContent(Encoding.UTF8.GetBytes(roster.ToString()))
        );
        Assert.Equal(HttpStatusCode.Accepted, rosterUpload.StatusCode);

        var rows = new List<string[]>
        {
            Row(700001, village, Year, 500, identity: "061"), // 低保 floor 200 + incentive 100
            Row(700002, village, Year, 1000), // incentive 300
            Row(700003, village, Year, 500, paidOn: $"{Year}-10-08"), // after 30 September
            Row(700004, village, Year, 500),
            Row(700004, village, Year, 3000, type: "一次性补缴"), // lump-sum back-payer
        };
        var centre = await system.GatewayAsAsync("county-centre", "360222106");
        var upload = await centre.PostAsync(
            $"/api/imports/contributions?scope=360222106&year={Year}",
            new ByteArrayContent(Csv(rows, new UTF8Encoding(false)))
        );
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var uploaded = (await upload.Content.ReadFromJsonAsync<JsonObject>())![
            "id"
        ]!.GetValue<string>();

        JsonObject result;
        try
        {
            result = await Eventually.GetAsync(
                async () =>
                {
                    var answer = await county.GetAsync(
                        $"/api/calculation/village-years/{village}/{Year}"
                    );
                    if (!answer.IsSuccessStatusCode)
                        return null;
                    var body = await answer.Content.ReadFromJsonAsync<JsonObject>();
                    return
                        body!["state"]!.GetValue<string>() == "calculated"
                        && body["run"]!["inputs"]!["batchId"]!.GetValue<string>() == uploaded
                        ? body
                        : null;
                },
                "the village-year to be calculated from this export",
                TimeSpan.FromSeconds(60)
            );
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"not calculated; inputs: {await system.CalculationInputsAsync(village)}"
            );
        }

        // The county bureau sees ID numbers masked (only the centre and the clerk may ask for them
        // whole).
        var members = result["results"]!
            .AsArray()
            .ToDictionary(r => r!["idNumber"]!.GetValue<string>(), r => r!.AsObject());
        Assert.Equal(5, members.Count);
        Assert.Equal(300m, members[MaskedId(700001)]["subsidy"]!.GetValue<decimal>());
        Assert.Equal("dibao", members[MaskedId(700001)]["specialGroup"]!.GetValue<string>());
        Assert.Equal(300m, members[MaskedId(700002)]["subsidy"]!.GetValue<decimal>());
        Assert.Equal(
            "PAID_AFTER_DEADLINE",
            members[MaskedId(700003)]["exclusion"]!.GetValue<string>()
        );
        Assert.Equal(
            "LUMP_SUM_BACK_PAYMENT",
            members[MaskedId(700004)]["exclusion"]!.GetValue<string>()
        );
        Assert.Equal("NO_CONTRIBUTION", members[MaskedId(700005)]["exclusion"]!.GetValue<string>());
        Assert.Equal(600m, result["run"]!["total"]!.GetValue<decimal>());
        Assert.Equal(2, result["run"]!["eligible"]!.GetValue<int>());
        Assert.Empty(result["waitingFor"]!.AsArray());
        // The run names what it used: the export, the roster, the scheme and its version, the
        // policy year, the budget and the cap.
        var used = result["run"]!["inputs"]!.AsObject();
        Assert.Equal(uploaded, used["batchId"]!.GetValue<string>());
        Assert.Equal(
            (await rosterUpload.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>(),
            used["rosterBatchId"]!.GetValue<string>()
        );
        Assert.Equal(id, used["schemeId"]!.GetValue<string>());
        Assert.True(used["schemeVersion"]!.GetValue<long>() >= 1);
        Assert.Equal(
            ("360000000000", Year),
            (used["policyRegion"]!.GetValue<string>(), used["policyYear"]!.GetValue<int>())
        );
        Assert.Equal(
            (60000m, 6000m),
            (used["budget"]!.GetValue<decimal>(), used["cap"]!.GetValue<decimal>())
        );

        var late = await county.GetFromJsonAsync<JsonObject>(
            $"/api/calculation/village-years/{village}/{Year}?reason=PAID_AFTER_DEADLINE"
        );
        Assert.Equal(
            MaskedId(700003),
            Assert.Single(late!["results"]!.AsArray())!["idNumber"]!.GetValue<string>()
        );

        // A corrected export supersedes the first: 丙 paid in time after all. The village has not
        // confirmed, so it recalculates.
        rows[2] = Row(700003, village, Year, 500);
        var correction = await centre.PostAsync(
            $"/api/imports/contributions?scope=360222106&year={Year}",
            new ByteArrayContent(Csv(rows, new UTF8Encoding(false)))
        );
        Assert.Equal(HttpStatusCode.Accepted, correction.StatusCode);
        var recalculated = await Eventually.GetAsync(
            async () =>
            {
                var body = await county.GetFromJsonAsync<JsonObject>(
                    $"/api/calculation/village-years/{village}/{Year}"
                );
                return
                    body!["run"]!["id"]!.GetValue<string>()
                    != result["run"]!["id"]!.GetValue<string>()
                    ? body
                    : null;
            },
            "the recalculation"
        );
        Assert.Equal(700m, recalculated["run"]!["total"]!.GetValue<decimal>());
        Assert.False(recalculated["stale"]!.GetValue<bool>());

        // An older batch announced late (a redelivery from before the correction) changes nothing.
        var broker = new Uri(await system.BrokerConnectionStringAsync());
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(broker);
            Subsidy.ServiceData.Messaging.MessagingExtensions.UseSubsidyJson(rabbit);
        });
        await bus.StartAsync();
        var lateAnnouncement = Guid.NewGuid();
        await bus.Publish(
            new Subsidy.Contracts.ContributionBatchAccepted(
                Guid.NewGuid(),
                "360222106",
                Year,
                DateTimeOffset.UtcNow.AddDays(-30),
                [new Subsidy.Contracts.VillageRowCount(village, 5, 1)],
                []
            ),
            context => context.MessageId = lateAnnouncement
        );
        await bus.StopAsync();
        await using (var calculation = await system.OpenDatabaseAsync("calculation"))
        {
            await Eventually.TrueAsync(
                async () =>
                    await Dapper.SqlMapper.ExecuteScalarAsync<bool>(
                        calculation,
                        "SELECT EXISTS (SELECT 1 FROM processed_messages WHERE consumer = 'BatchAcceptedConsumer' AND message_id = @lateAnnouncement)",
                        new { lateAnnouncement }
                    ),
                "the late announcement to be taken"
            );
            await Eventually.TrueAsync(
                async () =>
                    !await Dapper.SqlMapper.ExecuteScalarAsync<bool>(
                        calculation,
                        "SELECT EXISTS (SELECT 1 FROM pending_village_years WHERE village_code = @village AND year = @Year)",
                        new { village, Year }
                    ),
                "the village-year to be looked at again"
            );
        }
        var correctionId = (await correction.Content.ReadFromJsonAsync<JsonObject>())![
            "id"
        ]!.GetValue<string>();
        var unchanged = await county.GetFromJsonAsync<JsonObject>(
            $"/api/calculation/village-years/{village}/{Year}"
        );
        Assert.Equal(
            recalculated["run"]!["id"]!.GetValue<string>(),
            unchanged!["run"]!["id"]!.GetValue<string>()
        );
        Assert.Equal(correctionId, unchanged["run"]!["inputs"]!["batchId"]!.GetValue<string>());

        // The village confirms; a later change of input no longer recalculates but marks the result
        // stale.
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (
                await centre.PostAsync(
                    $"/api/calculation/village-years/{village}/{Year}/confirm",
                    null
                )
            ).StatusCode
        );
        var confirmed = await RegistryDriver.ReadAsync(
            await clerk.PostAsync($"/api/calculation/village-years/{village}/{Year}/confirm", null),
            HttpStatusCode.OK
        );
        Assert.Equal("confirmed", confirmed["state"]!.GetValue<string>());
        Assert.Equal(
            HttpStatusCode.Conflict,
            (
                await clerk.PostAsync(
                    $"/api/calculation/village-years/{village}/{Year}/confirm",
                    null
                )
            ).StatusCode
        );

        // 公示 for the policy's seven days; it cannot close on its last day, only after.
        var notice = await RegistryDriver.ReadAsync(
            await clerk.SendAsync(
                RegistryDriver.Post(
                    $"/api/calculation/village-years/{village}/{Year}/notice",
                    null,
                    Today
                )
            ),
            HttpStatusCode.OK
        );
        Assert.Equal("notice-published", notice["state"]!.GetValue<string>());
        Assert.Equal(
            Today.AddDays(6).ToString("yyyy-MM-dd"),
            notice["noticeEnd"]!.GetValue<string>()
        );
        var early = await clerk.SendAsync(
            RegistryDriver.Post(
                $"/api/calculation/village-years/{village}/{Year}/notice/close",
                null,
                Today.AddDays(6)
            )
        );
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("尚未结束", await early.Content.ReadAsStringAsync());
        var closed = await RegistryDriver.ReadAsync(
            await clerk.SendAsync(
                RegistryDriver.Post(
                    $"/api/calculation/village-years/{village}/{Year}/notice/close",
                    null,
                    Today.AddDays(7)
                )
            ),
            HttpStatusCode.OK
        );
        Assert.Equal("notice-closed", closed["state"]!.GetValue<string>());
        rows[3] = Row(700004, village, Year, 1000);
        rows.RemoveAt(4);
        var afterConfirmation = await centre.PostAsync(
            $"/api/imports/contributions?scope=360222106&year={Year}",
            new ByteArrayContent(Csv(rows, new UTF8Encoding(false)))
        );
        Assert.Equal(HttpStatusCode.Accepted, afterConfirmation.StatusCode);
        var stale = await Eventually.GetAsync(
            async () =>
            {
                var body = await county.GetFromJsonAsync<JsonObject>(
                    $"/api/calculation/village-years/{village}/{Year}"
                );
                return body!["stale"]!.GetValue<bool>() ? body : null;
            },
            "the confirmed result to turn stale"
        );
        Assert.Equal("notice-closed", stale["state"]!.GetValue<string>());
        Assert.Equal(
            recalculated["run"]!["id"]!.GetValue<string>(),
            stale["run"]!["id"]!.GetValue<string>()
        );

        // Steps on a stale result are refused until the village has it recalculated; then the
        // settlement starts over from the new result.
        var refused = await clerk.SendAsync(
            RegistryDriver.Post(
                $"/api/calculation/village-years/{village}/{Year}/application",
                null,
                Today.AddDays(7)
            )
        );
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("过期", await refused.Content.ReadAsStringAsync());
        await RegistryDriver.ReadAsync(
            await clerk.SendAsync(
                RegistryDriver.Post(
                    $"/api/calculation/village-years/{village}/{Year}/recalculation",
                    new { reason = "补录缴费后重新测算" },
                    Today.AddDays(7)
                )
            ),
            HttpStatusCode.OK
        );
        var redone = await Eventually.GetAsync(
            async () =>
            {
                var body = await county.GetFromJsonAsync<JsonObject>(
                    $"/api/calculation/village-years/{village}/{Year}"
                );
                return body!["state"]!.GetValue<string>() == "calculated" ? body : null;
            },
            "the recalculation the village asked for"
        );
        Assert.False(redone["stale"]!.GetValue<bool>());
        Assert.Null(redone["noticeStart"]);
        Assert.Equal(1000m, redone["run"]!["total"]!.GetValue<decimal>());
        Assert.Equal(
            300m,
            redone["results"]!
                .AsArray()
                .Single(r => r!["idNumber"]!.GetValue<string>() == MaskedId(700004))![
                "subsidy"
            ]!.GetValue<decimal>()
        );

        var otherVillage = await system.GatewayAsAsync("village-clerk", "360222106202");
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (
                await otherVillage.GetAsync($"/api/calculation/village-years/{village}/{Year}")
            ).StatusCode
        );
    }
}
