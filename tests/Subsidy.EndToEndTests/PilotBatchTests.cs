using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Subsidy.EndToEndTests;

/// <summary>
/// Many pilot decisions in one request: each village's pilot goes through the rule of a single
/// decision and is answered on its own; a village outside the county, or one that never applied,
/// refuses the whole batch and reveals nothing. 王港乡 (360222200) villages of this class's own; every
/// pilot it applies for is decided before it ends, so none waits in a to-do list.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class PilotBatchTests(SubsidySystem system)
{
    private readonly RegistryDriver _registry = new(system);

    private static Task<HttpResponseMessage> BatchAsync(HttpClient client, object request) =>
        client.PostAsJsonAsync("/api/registry/pilots/batch", request);

    private async Task<string> StatusAsync(string village) =>
        (
            await (await _registry.CountyBureau()).GetFromJsonAsync<JsonObject>(
                $"/api/registry/pilots/{village}"
            )
        )!["status"]!.GetValue<string>();

    [Fact]
    public async Task A_county_decides_many_pilots_at_once_and_each_is_answered_on_its_own()
    {
        await _registry.AppliedVillageAsync("360222200401", "批量试点一村");
        await _registry.AppliedVillageAsync("360222200402", "批量试点二村");
        await _registry.ActiveVillageAsync("360222200403", "批量试点三村");
        var county = await _registry.CountyBureau();

        var approved = await RegistryDriver.ReadAsync(
            await BatchAsync(
                county,
                new
                {
                    action = "approve",
                    villages = new[] { "360222200401", "360222200402", "360222200403" },
                }
            ),
            HttpStatusCode.OK
        );
        Assert.Equal(2, approved["done"]!.GetValue<int>());
        Assert.Equal(1, approved["refused"]!.GetValue<int>());
        var items = approved["items"]!
            .AsArray()
            .ToDictionary(i => i!["villageCode"]!.GetValue<string>());
        Assert.Equal("试点实施中", items["360222200401"]!["statusName"]!.GetValue<string>());
        Assert.False(items["360222200403"]!["done"]!.GetValue<bool>());
        Assert.Contains("不能批准试点", items["360222200403"]!["reason"]!.GetValue<string>());
        Assert.Equal("active", await StatusAsync("360222200402"));

        // A suspension says why and from when, once for the whole batch.
        var unexplained = await RegistryDriver.ReadAsync(
            await BatchAsync(
                county,
                new { action = "suspend", villages = new[] { "360222200401", "360222200402" } }
            ),
            HttpStatusCode.BadRequest
        );
        var errors = unexplained["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("reason"));
        Assert.True(errors.ContainsKey("effectiveDate"));
        Assert.Equal("active", await StatusAsync("360222200401"));

        var suspended = await RegistryDriver.ReadAsync(
            await BatchAsync(
                county,
                new
                {
                    action = "suspend",
                    villages = new[] { "360222200401", "360222200402" },
                    reason = "村集体经济收入下降，暂停补助",
                    effectiveDate = SettlementDriver.Today.AddDays(30),
                }
            ),
            HttpStatusCode.OK
        );
        Assert.Equal(2, suspended["done"]!.GetValue<int>());
        Assert.Equal("suspended", await StatusAsync("360222200401"));
        Assert.Equal("suspended", await StatusAsync("360222200402"));
    }

    [Fact]
    public async Task A_batch_holding_a_village_of_another_county_or_one_that_never_applied_is_refused_whole()
    {
        await _registry.AppliedVillageAsync("360222200404", "批量试点四村");
        var county = await _registry.CountyBureau();

        foreach (var stranger in new[] { "360281100201", "360222200499" })
        {
            using var answer = await BatchAsync(
                county,
                new { action = "approve", villages = new[] { "360222200404", stranger } }
            );
            var body = await answer.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
            Assert.Contains("整批未办理", body);
            Assert.DoesNotContain(stranger, body);
            Assert.Equal("applied", await StatusAsync("360222200404"));
        }

        // Only the county bureau decides: a clerk's batch is refused before it is read.
        var clerk = await _registry.Clerk("360222200404");
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (
                await BatchAsync(
                    clerk,
                    new { action = "approve", villages = new[] { "360222200404" } }
                )
            ).StatusCode
        );

        var rejected = await RegistryDriver.ReadAsync(
            await BatchAsync(
                county,
                new
                {
                    action = "reject",
                    villages = new[] { "360222200404" },
                    reason = "收入证明不全",
                }
            ),
            HttpStatusCode.OK
        );
        Assert.Equal(1, rejected["done"]!.GetValue<int>());
        Assert.Equal("rejected", await StatusAsync("360222200404"));
    }
}
