using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dapper;

namespace Subsidy.EndToEndTests;

[Collection(SystemCollection.Name)]
public class FoundationTests(SubsidySystem system)
{
    private sealed record DivisionView(
        string Code,
        string Name,
        string Level,
        string? ParentCode,
        bool Active,
        long Version
    );

    [Fact]
    public async Task Division_created_through_the_gateway_reaches_other_services_in_the_same_trace()
    {
        var county = await system.GatewayAsAsync("county-bureau", "360222");
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/registry/divisions")
        {
            Content = JsonContent.Create(new { code = "360222100301", name = "端到端村" }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        var response = await county.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        foreach (var service in new[] { "imports", "calculation" })
        {
            var known = await Eventually.GetAsync(
                async () =>
                {
                    var answer = await county.GetAsync($"/api/{service}/divisions/360222100301");
                    return answer.IsSuccessStatusCode
                        ? await answer.Content.ReadFromJsonAsync<DivisionView>()
                        : null;
                },
                $"{service} to learn the new village"
            );
            Assert.Equal("端到端村", known.Name);
            Assert.Equal("360222100000", known.ParentCode);
        }

        // The consumer recorded the trace it ran in: the one the caller started at the gateway.
        await using var imports = await system.OpenDatabaseAsync("contribution_import");
        var consumerTraces = await imports.QueryAsync<string>(
            "SELECT trace_id FROM processed_messages WHERE consumer = 'DivisionChangedConsumer'"
        );
        Assert.Contains(traceId.ToString(), consumerTraces);
    }

    [Fact]
    public async Task Renaming_a_division_updates_every_copy()
    {
        var county = await system.GatewayAsAsync("county-centre", "360222");
        (
            await county.PostAsJsonAsync(
                "/api/registry/divisions",
                new { code = "360222101301", name = "旧名村" }
            )
        ).EnsureSuccessStatusCode();
        var renamed = await county.PutAsJsonAsync(
            "/api/registry/divisions/360222101301",
            new { name = "新名村", reason = "行政区划调整" }
        );
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);

        // Until the creation has arrived too, the import does not know the village at all (404).
        var known = await Eventually.GetAsync(
            async () =>
            {
                var response = await county.GetAsync("/api/imports/divisions/360222101301");
                var answer = response.IsSuccessStatusCode
                    ? await response.Content.ReadFromJsonAsync<DivisionView>()
                    : null;
                return answer is { Version: 2 } ? answer : null;
            },
            "the rename to arrive"
        );
        Assert.Equal("新名村", known.Name);
    }

    [Fact]
    public async Task Seeded_townships_of_the_county_are_known_to_every_service()
    {
        var city = await system.GatewayAsAsync("city-bureau", "3602");
        var townships = await city.GetFromJsonAsync<List<DivisionView>>(
            "/api/registry/divisions?parent=360222000000"
        );
        // The 16 seeded townships (1xx 镇, 2xx 乡); a test may add a township of its own beside them.
        Assert.NotNull(townships);
        Assert.Equal(16, townships.Count(t => t.Code[6..9] is ['1', '0', _] or ['2', '0', _]));
        Assert.Contains(townships, t => t.Name == "浮梁镇" && t.Code == "360222100000");
        Assert.Contains(townships, t => t.Name == "勒功乡" && t.Code == "360222206000");

        var known = await Eventually.GetAsync(
            async () =>
            {
                var answer = await city.GetAsync("/api/calculation/divisions/360222206000");
                return answer.IsSuccessStatusCode
                    ? await answer.Content.ReadFromJsonAsync<DivisionView>()
                    : null;
            },
            "calculation to know 勒功乡"
        );
        Assert.Equal("勒功乡", known.Name);
    }

    [Theory]
    [InlineData("/api/registry/divisions")]
    [InlineData("/api/imports/divisions/360222000000")]
    [InlineData("/api/calculation/divisions/360222000000")]
    [InlineData("/api/documents/")]
    public async Task Call_without_a_token_is_refused_at_the_gateway(string path)
    {
        var response = await system.Gateway.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("scheme-registry", "/api/registry/divisions")]
    [InlineData("contribution-import", "/api/imports/divisions/360222000000")]
    [InlineData("calculation", "/api/calculation/divisions/360222000000")]
    [InlineData("document", "/api/documents/")]
    public async Task Services_refuse_a_call_without_a_token_themselves(string service, string path)
    {
        using var direct = system.App.CreateHttpClient(service);
        var response = await direct.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Forged_token_is_refused()
    {
        var client = system.App.CreateHttpClient("gateway");
        var token = await system.TokenAsync("county-bureau", "360222");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer",
            token[..^4] + "AAAA"
        );
        Assert.Equal(
            HttpStatusCode.Unauthorized,
            (await client.GetAsync("/api/registry/divisions")).StatusCode
        );
    }

    [Fact]
    public async Task Token_for_another_county_is_refused_with_403_by_gateway_route_and_service()
    {
        var other = await system.GatewayAsAsync("county-bureau", "360281");
        var throughGateway = await other.PostAsJsonAsync(
            "/api/registry/divisions",
            new { code = "360222100302", name = "越权村" }
        );
        Assert.Equal(HttpStatusCode.Forbidden, throughGateway.StatusCode);
        Assert.Contains("管辖范围", await throughGateway.Content.ReadAsStringAsync());

        using var direct = system.App.CreateHttpClient("scheme-registry");
        direct.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer",
            await system.TokenAsync("county-bureau", "360281")
        );
        var bypassingGateway = await direct.PostAsJsonAsync(
            "/api/registry/divisions",
            new { code = "360222100302", name = "越权村" }
        );
        Assert.Equal(HttpStatusCode.Forbidden, bypassingGateway.StatusCode);

        var documents = await other.GetAsync("/api/documents/?division=360222");
        Assert.Equal(HttpStatusCode.Forbidden, documents.StatusCode);
    }

    [Fact]
    public async Task Village_clerk_may_not_maintain_divisions()
    {
        var clerk = await system.GatewayAsAsync("village-clerk", "360222100201");
        var response = await clerk.PostAsJsonAsync(
            "/api/registry/divisions",
            new { code = "360222100303", name = "村" }
        );
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("村级经办", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Invalid_division_gets_every_error_in_chinese_and_writes_nothing()
    {
        var county = await system.GatewayAsAsync("county-bureau", "360222");
        var response = await county.PostAsJsonAsync(
            "/api/registry/divisions",
            new { code = "3602221003", name = "" }
        );
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("区划代码须为12位数字", body);
        Assert.Contains("区划名称不能为空", body);

        var orphan = await county.PostAsJsonAsync(
            "/api/registry/divisions",
            new { code = "360222199301", name = "无主村" }
        );
        Assert.Equal(HttpStatusCode.BadRequest, orphan.StatusCode);
        Assert.Contains("上级区划 360222199000 不存在", await orphan.Content.ReadAsStringAsync());
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await county.GetAsync("/api/registry/divisions/360222199301")).StatusCode
        );
    }

    [Fact]
    public async Task Registry_openapi_description_is_reachable_through_the_gateway()
    {
        var response = await system.Gateway.GetAsync("/api/registry/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var description = await response.Content.ReadAsStringAsync();
        Assert.Contains("/api/registry/schemes/{id}/county-approve", description);
        Assert.Contains("/api/registry/pilots/{villageCode}/apply", description);
    }

    [Fact]
    public async Task Development_token_issuer_refuses_an_unknown_role()
    {
        var response = await system.Gateway.PostAsJsonAsync(
            "/dev/token",
            new { role = "mayor", scope = "360222" }
        );
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("角色须为以下之一", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Gateway_limits_each_caller_per_minute()
    {
        var caller = await system.GatewayAsAsync("auditor", "360222");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= SubsidySystem.GatewayPermitsPerMinute; i++)
        {
            statuses.Add(
                (await caller.GetAsync("/api/registry/divisions/360222000000")).StatusCode
            );
            if (statuses[^1] == HttpStatusCode.TooManyRequests)
                break;
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.True(
            statuses.Count > SubsidySystem.GatewayPermitsPerMinute / 2,
            $"limited after only {statuses.Count} calls"
        );

        // Another caller has a budget of its own.
        var other = await system.GatewayAsAsync("auditor", "360281");
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await other.GetAsync("/api/registry/divisions/360281000000")).StatusCode
        );
    }

    [Fact]
    public async Task Events_waiting_while_a_consumer_service_is_down_are_processed_when_it_returns()
    {
        var county = await system.GatewayAsAsync("county-bureau", "360222");
        await system.StopResourceAsync("contribution-import");
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var created = await county.PostAsJsonAsync(
                    "/api/registry/divisions",
                    new { code = $"360222102{310 + i}", name = $"停机村{i}" }
                );
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }
            await using var imports = await system.OpenDatabaseAsync("contribution_import");
            Assert.Equal(
                0,
                await imports.ExecuteScalarAsync<int>(
                    "SELECT count(*) FROM known_divisions WHERE code BETWEEN '360222102310' AND '360222102314'"
                )
            );
        }
        finally
        {
            await system.StartResourceAsync("contribution-import");
        }

        await using var database = await system.OpenDatabaseAsync("contribution_import");
        await Eventually.TrueAsync(
            async () =>
                await database.ExecuteScalarAsync<int>(
                    "SELECT count(*) FROM known_divisions WHERE code BETWEEN '360222102310' AND '360222102314'"
                ) == 5,
            "the five villages created during the outage"
        );
        var names = await database.QueryAsync<string>(
            "SELECT name FROM known_divisions WHERE code BETWEEN '360222102310' AND '360222102314' ORDER BY code"
        );
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"停机村{i}"), names);
    }
}
