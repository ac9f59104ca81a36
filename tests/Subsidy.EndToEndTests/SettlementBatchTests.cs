using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Subsidy.EndToEndTests;

/// <summary>
/// The county centre's steps on many village-years in one request, each answered on its own. The
/// villages lie in different townships: a township's next export would make an earlier village's
/// confirmed result stale.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SettlementBatchTests(SubsidySystem system)
{
    private static readonly int Year = SettlementDriver.Year;
    private readonly SettlementDriver _settlement = new(system);

    [Fact]
    public async Task The_county_centre_approves_and_issues_many_village_years_at_once_each_answered_on_its_own()
    {
        string[] submitted = ["360222200321", "360222205421"];
        for (var i = 0; i < submitted.Length; i++)
            await _settlement.ApplicationSubmittedAsync(
                submitted[i],
                $"批量结算{i + 1}村",
                2_064_321 + i
            );
        const string calculated = "360222203421";
        await _settlement.CalculatedAsync(
            calculated,
            "批量结算三村",
            [(2_064_331, "")],
            [ContributionFiles.Row(2_064_331, calculated, Year, 500)]
        );
        var centre = await _settlement.Centre();

        var approved = await RegistryDriver.ReadAsync(
            await SettlementDriver.BatchAsync(centre, "approval", [.. submitted, calculated]),
            HttpStatusCode.OK
        );
        Assert.Equal(
            (2, 1),
            (approved["done"]!.GetValue<int>(), approved["refused"]!.GetValue<int>())
        );
        var items = approved["items"]!
            .AsArray()
            .ToDictionary(i => i!["villageCode"]!.GetValue<string>());
        Assert.Equal("县社保中心已审核", items[submitted[0]]!["stateName"]!.GetValue<string>());
        Assert.Contains("已测算", items[calculated]!["reason"]!.GetValue<string>());

        var issued = await RegistryDriver.ReadAsync(
            await SettlementDriver.BatchAsync(centre, "payment-notice", submitted),
            HttpStatusCode.OK
        );
        Assert.Equal(2, issued["done"]!.GetValue<int>());
        foreach (var village in submitted)
            Assert.NotNull(
                (
                    await (await _settlement.Observer()).GetFromJsonAsync<JsonObject>(
                        $"/api/calculation/village-years/{village}/{Year}"
                    )
                )!["paymentNotice"]!["number"]
            );
        Assert.Equal(
            "calculated",
            (await _settlement.StateAsync(calculated, "calculated"))["state"]!.GetValue<string>()
        );
    }

    [Fact]
    public async Task A_village_outside_the_centres_county_or_a_role_that_never_takes_the_steps_refuses_the_whole_batch()
    {
        var centre = await _settlement.Centre();
        var foreign = await SettlementDriver.BatchAsync(
            centre,
            "approval",
            "360222200321",
            "360281100201"
        );
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        var body = await foreign.Content.ReadAsStringAsync();
        Assert.Contains("整批未办理", body);
        Assert.DoesNotContain("360281100201", body);

        var clerk = await system.GatewayAsAsync("village-clerk", "360222200321");
        var wrongRole = await SettlementDriver.BatchAsync(clerk, "approval", "360222200321");
        Assert.Equal(HttpStatusCode.Forbidden, wrongRole.StatusCode);

        var unknown = await SettlementDriver.BatchAsync(centre, "delete", "360222200321");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("批量办理的环节", await unknown.Content.ReadAsStringAsync());
    }
}
