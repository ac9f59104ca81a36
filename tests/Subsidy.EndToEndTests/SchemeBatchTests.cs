using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Subsidy.EndToEndTests;

/// <summary>
/// Many schemes in one request: each goes through the rule of a single step and is answered on its
/// own; a scheme outside the caller's scope refuses the whole batch and reveals nothing. 王港乡
/// (360222200) is this class's, 峙滩镇 (360222108) stands for another township: a scheme left submitted
/// there is in no portal test's to-do list.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SchemeBatchTests(SubsidySystem system)
{
    private static readonly DateOnly Today = SettlementDriver.Today;
    private readonly RegistryDriver _registry = new(system);

    private async Task<string> SubmittedAsync(string village, string name)
    {
        await _registry.ActiveVillageAsync(village, name);
        var id = await _registry.DraftAsync(village, Today.Year, Today);
        await RegistryDriver.ReadAsync(
            await (await _registry.Clerk(village)).SendAsync(
                RegistryDriver.Post($"/api/registry/schemes/{id}/submit", null, Today)
            ),
            HttpStatusCode.OK
        );
        return id;
    }

    private static async Task<HttpResponseMessage> BatchAsync(
        HttpClient client,
        string action,
        params string[] ids
    ) =>
        await client.SendAsync(
            RegistryDriver.Post("/api/registry/schemes/batch", new { action, ids }, Today)
        );

    private async Task<string> StateAsync(string id) =>
        RegistryDriver.State(
            (
                await (await _registry.CountyBureau()).GetFromJsonAsync<JsonObject>(
                    $"/api/registry/schemes/{id}"
                )
            )!
        );

    [Fact]
    public async Task A_township_approves_many_schemes_at_once_and_each_is_answered_on_its_own()
    {
        var first = await SubmittedAsync("360222200301", "批量一村");
        var second = await SubmittedAsync("360222200302", "批量二村");
        await _registry.ActiveVillageAsync("360222200303", "批量三村");
        var draft = await _registry.DraftAsync("360222200303", Today.Year, Today);
        var township = await _registry.Township("360222200301");

        var answer = await RegistryDriver.ReadAsync(
            await BatchAsync(township, "township-approve", first, second, draft),
            HttpStatusCode.OK
        );

        Assert.Equal((2, 1), (answer["done"]!.GetValue<int>(), answer["refused"]!.GetValue<int>()));
        var items = answer["items"]!.AsArray().ToDictionary(i => i!["id"]!.GetValue<string>());
        Assert.Equal("乡镇已审核待县人社局批准", items[first]!["stateName"]!.GetValue<string>());
        Assert.False(items[draft]!["done"]!.GetValue<bool>());
        Assert.Contains("草稿", items[draft]!["reason"]!.GetValue<string>());
        Assert.Equal("township-approved", await StateAsync(second));
        Assert.Equal("draft", await StateAsync(draft));

        // The list filters by the state as its answers spell it.
        var listed = (
            await township.GetFromJsonAsync<JsonArray>(
                "/api/registry/schemes?division=360222200&state=township-approved"
            )
        )!
            .Select(s => s!["id"]!.GetValue<string>())
            .ToList();
        Assert.Contains(first, listed);
        Assert.Contains(second, listed);
        Assert.DoesNotContain(draft, listed);
        var unknown = await township.GetAsync("/api/registry/schemes?state=bogus");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains(
            "county-approved（县人社局已批准）",
            await unknown.Content.ReadAsStringAsync()
        );
    }

    [Fact]
    public async Task A_scheme_outside_the_callers_scope_refuses_the_whole_batch_without_saying_which()
    {
        var own = await SubmittedAsync("360222200304", "批量四村");
        var foreign = await SubmittedAsync("360222108404", "批量邻村");
        var township = await _registry.Township("360222200304");

        var refused = await BatchAsync(township, "township-approve", own, foreign);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var body = await refused.Content.ReadAsStringAsync();
        Assert.Contains("整批未办理", body);
        Assert.DoesNotContain("360222108404", body);
        Assert.DoesNotContain("已提交", body);
        // An unknown id is refused the same way: existence is not revealed either.
        var unknown = await BatchAsync(
            township,
            "township-approve",
            own,
            Guid.NewGuid().ToString()
        );
        Assert.Equal(HttpStatusCode.Forbidden, unknown.StatusCode);
        Assert.Equal(
            JsonNode.Parse(body)!["detail"]!.GetValue<string>(),
            (await unknown.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>()
        );
        Assert.Equal("submitted", await StateAsync(own));
        Assert.Equal("submitted", await StateAsync(foreign));
    }

    [Fact]
    public async Task A_batch_is_refused_for_the_wrong_role_an_unknown_action_or_no_schemes_in_Chinese()
    {
        var clerk = await _registry.Clerk("360222200301");
        var wrongRole = await BatchAsync(clerk, "file", Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Forbidden, wrongRole.StatusCode);
        Assert.Contains("市人社局", await wrongRole.Content.ReadAsStringAsync());

        var township = await _registry.Township("360222200301");
        var unknown = await BatchAsync(township, "delete");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("批量办理的操作", await unknown.Content.ReadAsStringAsync());
        var none = await BatchAsync(township, "township-approve");
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Contains("请至少选择一个方案", await none.Content.ReadAsStringAsync());
    }
}
