using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using static Subsidy.EndToEndTests.ContributionFiles;

namespace Subsidy.EndToEndTests;

/// <summary>
/// Walks every route of every service — taken from the services' own OpenAPI documents, so a new
/// route is covered without editing this test — as callers who must learn nothing of a target
/// village: no token, a clerk of another village of its township, an officer of another township,
/// and the auditor (who reads but never writes). Every answer is a refusal or a read of what the
/// caller may see; none is a 500, none reveals the target's state (409), none carries a stack
/// trace, SQL, or the caller's headers, and every refusal says why in Chinese
/// (docs/design/08-access-and-roles.md).
/// </summary>
[Collection(SystemCollection.Name)]
public class SecurityTests(SubsidySystem system) : IAsyncLifetime
{
    private const string Target = "360222107201";
    private static readonly int Year = SettlementDriver.Year;
    private static readonly string[] Services = ["registry", "imports", "calculation", "documents"];

    /// <summary>Reference data every signed-in user may read: division names and the policy
    /// years.</summary>
    private static readonly string[] PublicReads =
    [
        "/api/registry/divisions",
        "/api/imports/divisions",
        "/api/calculation/divisions",
        "/api/documents/divisions",
        "/api/registry/policy-years",
    ];

    private readonly SettlementDriver _driver = new(system);
    private Dictionary<string, string> _ids = [];

    // The target is set up once for the class (one system serves the whole run): every test walks
    // the same village.
    private static readonly SemaphoreSlim SetUpGate = new(1, 1);
    private static Dictionary<string, string>? _target;

    private sealed record Route(
        string Service,
        string Method,
        string Template,
        IReadOnlyList<string> QueryParameters
    );

    public async Task InitializeAsync()
    {
        await SetUpGate.WaitAsync();
        try
        {
            _target ??= await SetUpAsync();
            _ids = _target;
        }
        finally
        {
            SetUpGate.Release();
        }
    }

    private async Task<Dictionary<string, string>> SetUpAsync()
    {
        // The target: a village with a scheme, a roster, a township export, a result, an objection
        // and its documents.
        var calculated = await _driver.CalculatedAsync(
            Target,
            "靶村",
            [(780001, "低保对象"), (780002, "")],
            [Row(780001, Target, Year, 500, identity: "061"), Row(780002, Target, Year, 1000)]
        );
        var clerk = await _driver.Registry.Clerk(Target);
        await SettlementDriver.StepAsync(clerk, Target, "confirm", HttpStatusCode.OK);
        await SettlementDriver.StepAsync(clerk, Target, "notice", HttpStatusCode.OK);
        var objection = await SettlementDriver.StepAsync(
            clerk,
            Target,
            "objections",
            HttpStatusCode.OK,
            new { idNumber = Id(780002), complaint = "档次有误" }
        );
        var ids = new Dictionary<string, string>();
        ids["objection"] = (
            await clerk.GetFromJsonAsync<JsonArray>(SettlementDriver.Path(Target, "objections"))
        )![0]!["id"]!.GetValue<string>();
        ids["scheme"] = (
            await clerk.GetFromJsonAsync<JsonArray>(
                $"/api/registry/schemes?division={Target}&year={Year}"
            )
        )![0]!["id"]!.GetValue<string>();
        ids["batch"] = calculated["run"]!["inputs"]!["batchId"]!.GetValue<string>();
        ids["document"] = (
            await Eventually.GetAsync(
                async () =>
                    (
                        await clerk.GetFromJsonAsync<JsonArray>($"/api/documents?division={Target}")
                    )!.FirstOrDefault(),
                "the target's roster"
            )
        )!["id"]!.GetValue<string>();
        Assert.NotNull(objection);
        return ids;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<IReadOnlyList<Route>> RoutesAsync()
    {
        var routes = new List<Route>();
        var anonymous = system.App.CreateHttpClient("gateway");
        foreach (var service in Services)
        {
            var document = await anonymous.GetFromJsonAsync<JsonObject>(
                $"/api/{service}/openapi/v1.json"
            ) ?? throw new InvalidOperationException($"{service} publishes no OpenAPI document");
            foreach (var (path, item) in document["paths"]!.AsObject())
            {
                foreach (var (method, operation) in item!.AsObject())
                {
                    if (method is "parameters" or "summary" or "description")
                        continue;
                    var query = operation!
                        ["parameters"]
                        ?.AsArray()
                        .Where(p => p!["in"]!.GetValue<string>() == "query")
                        .Select(p => p!["name"]!.GetValue<string>())
                        .ToList()
                        ?? [];
                    routes.Add(new Route(service, method.ToUpperInvariant(), path, query));
                }
            }
        }
        Assert.True(
            routes.Count > 40,
            $"the services' route tables: only {routes.Count} routes found"
        );
        return routes;
    }

    /// <summary>A route's address aimed at the target: every parameter filled with the target or
    /// one of its objects.</summary>
    private string Address(Route route, string? poisonQuery = null)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(
            route.Template,
            @"\{([^}:]+)[^}]*\}",
            m =>
                m.Groups[1].Value switch
                {
                    "year" => Year.ToString(),
                    "regionCode" => "360222000000",
                    "objectionId" => _ids["objection"],
                    "id"
                        when route.Template.Contains(
                            "/operations/dead-letters/",
                            StringComparison.Ordinal
                        ) => "1",
                    "id"
                        when route.Template.StartsWith(
                            "/api/registry/schemes",
                            StringComparison.Ordinal
                        ) => _ids["scheme"],
                    "id"
                        when route.Template.StartsWith(
                            "/api/imports/batches",
                            StringComparison.Ordinal
                        ) => _ids["batch"],
                    "id"
                        when route.Template.StartsWith(
                            "/api/documents",
                            StringComparison.Ordinal
                        ) => _ids["document"],
                    "id" => Guid.NewGuid().ToString(),
                    _ => Target,
                }
        );
        var query = route
            .QueryParameters.Select(name =>
                name switch
                {
                    "division" or "village" or "villageCode" => $"{name}={poisonQuery ?? Target}",
                    "scope" => $"scope={poisonQuery ?? Target[..9]}",
                    "year" => $"year={Year}",
                    _ => null,
                }
            )
            .Where(q => q is not null)
            .ToList();
        return query.Count == 0 ? path : path + "?" + string.Join('&', query);
    }

    private static bool Targeted(Route route) =>
        route.Template.Contains('{')
        || route.QueryParameters.Any(q => q is "division" or "village" or "villageCode" or "scope");

    private static bool PublicRead(Route route) =>
        route.Method == "GET"
        && PublicReads.Any(p => route.Template.StartsWith(p, StringComparison.Ordinal));

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(
        HttpClient client,
        string method,
        string address
    )
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), address);
        if (method is "POST" or "PUT")
            request.Content = JsonContent.Create(new { });
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static void NothingLeaks(string who, Route route, HttpStatusCode status, string body)
    {
        var what = $"{who} {route.Method} {route.Template} → {(int)status}";
        Assert.True((int)status < 500, $"{what}: {body}");
        foreach (
            var internals in new[]
            {
                "Exception",
                "   at ",
                "Npgsql",
                "SELECT ",
                "Bearer ",
                "authorization",
                "StackTrace",
            }
        )
        {
            Assert.False(
                body.Contains(internals, StringComparison.OrdinalIgnoreCase),
                $"{what} carries '{internals}': {body}"
            );
        }
        if ((int)status >= 400)
            Assert.True(
                System.Text.RegularExpressions.Regex.IsMatch(body, @"\p{IsCJKUnifiedIdeographs}"),
                $"{what} gives no Chinese reason: {body}"
            );
    }

    [Fact]
    public async Task A_batch_holding_the_targets_scheme_is_refused_whole_to_an_officer_of_another_township()
    {
        var stranger = await system.GatewayAsAsync("township-officer", "360222108");
        using var answer = await stranger.SendAsync(
            RegistryDriver.Post(
                "/api/registry/schemes/batch",
                new { action = "township-approve", ids = new[] { _ids["scheme"] } }
            )
        );
        var body = await answer.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        Assert.Contains("整批未办理", body);
        Assert.DoesNotContain(Target, body);
        NothingLeaks(
            "officer of another township",
            new Route("registry", "POST", "/api/registry/schemes/batch", []),
            answer.StatusCode,
            body
        );
    }

    [Fact]
    public async Task A_pilot_batch_holding_the_targets_village_is_refused_whole_to_another_countys_bureau()
    {
        var stranger = await system.GatewayAsAsync("county-bureau", "360281");
        using var answer = await stranger.PostAsJsonAsync(
            "/api/registry/pilots/batch",
            new
            {
                action = "suspend",
                villages = new[] { Target },
                reason = "越权暂停",
                effectiveDate = SettlementDriver.Today,
            }
        );
        var body = await answer.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        Assert.Contains("整批未办理", body);
        Assert.DoesNotContain(Target, body);
        Assert.DoesNotContain("试点实施中", body);
        NothingLeaks(
            "bureau of another county",
            new Route("registry", "POST", "/api/registry/pilots/batch", []),
            answer.StatusCode,
            body
        );
    }

    [Fact]
    public async Task A_settlement_batch_holding_the_target_is_refused_whole_to_another_countys_centre()
    {
        var stranger = await system.GatewayAsAsync("county-centre", "360281");
        using var answer = await stranger.SendAsync(
            RegistryDriver.Post(
                "/api/calculation/village-years/batch",
                new
                {
                    year = Year,
                    step = "approval",
                    villages = new[] { Target },
                }
            )
        );
        var body = await answer.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        Assert.Contains("整批未办理", body);
        Assert.DoesNotContain("公示", body);
        NothingLeaks(
            "centre of another county",
            new Route("calculation", "POST", "/api/calculation/village-years/batch", []),
            answer.StatusCode,
            body
        );
    }

    [Fact]
    public async Task Without_a_token_every_route_but_the_public_documents_answers_401_in_chinese()
    {
        var anonymous = system.App.CreateHttpClient("gateway");
        foreach (var route in await RoutesAsync())
        {
            if (route.Template.Contains("/openapi/", StringComparison.Ordinal))
                continue;
            var (status, body) = await SendAsync(anonymous, route.Method, Address(route));
            Assert.True(
                status == HttpStatusCode.Unauthorized,
                $"no token {route.Method} {route.Template} → {(int)status}: {body}"
            );
            NothingLeaks("no token", route, status, body);
        }
    }

    [Theory]
    [InlineData("village-clerk", "360222107202")]
    [InlineData("township-officer", "360222108")]
    public async Task An_outsider_is_refused_on_every_route_aimed_at_the_village_before_anything_about_it_is_told(
        string role,
        string scope
    )
    {
        var outsider = await system.GatewayAsAsync(role, scope);
        foreach (var route in (await RoutesAsync()).Where(Targeted))
        {
            var (status, body) = await SendAsync(outsider, route.Method, Address(route));
            NothingLeaks($"{role} {scope}", route, status, body);
            if (PublicRead(route))
                continue;
            var randomTarget = route.Template.Contains("tax-bureau", StringComparison.Ordinal);
            Assert.True(
                status == HttpStatusCode.Forbidden
                    || randomTarget && status == HttpStatusCode.NotFound,
                $"{role} {scope} {route.Method} {Address(route)} → {(int)status}: {body}"
            );
        }
    }

    [Fact]
    public async Task The_auditor_reads_but_every_write_is_refused()
    {
        var auditor = await system.GatewayAsAsync("auditor", "3602");
        foreach (var route in await RoutesAsync())
        {
            var (status, body) = await SendAsync(auditor, route.Method, Address(route));
            NothingLeaks("auditor", route, status, body);
            // A statement is read with a POST (the ID number goes in the body, out of addresses): a
            // read, refused only for want of an ID number.
            if (route.Template.Contains("/statements", StringComparison.Ordinal))
                Assert.True(
                    status is HttpStatusCode.BadRequest,
                    $"auditor {route.Template} → {(int)status}: {body}"
                );
            // The queues and dead letters are the operator's (运维人员) alone.
            else if (route.Template.Contains("/operations/", StringComparison.Ordinal))
                Assert.True(
                    status is HttpStatusCode.Forbidden && body.Contains("运维人员"),
                    $"auditor {route.Method} {route.Template} → {(int)status}: {body}"
                );
            else if (route.Method == "GET")
                Assert.True(
                    status is HttpStatusCode.OK or HttpStatusCode.NotFound,
                    $"auditor GET {route.Template} → {(int)status}: {body}"
                );
            else
                Assert.True(
                    status == HttpStatusCode.Forbidden,
                    $"auditor {route.Method} {route.Template} → {(int)status}: {body}"
                );
        }
    }

    [Fact]
    public async Task A_nul_byte_in_a_query_is_a_chinese_400_on_every_route_that_takes_one()
    {
        var county = await system.GatewayAsAsync("county-bureau", "360222");
        var poisoned = 0;
        foreach (
            var route in (await RoutesAsync()).Where(r =>
                r.Method == "GET"
                && r.QueryParameters.Any(q =>
                    q is "division" or "village" or "villageCode" or "scope"
                )
            )
        )
        {
            var (status, body) = await SendAsync(
                county,
                route.Method,
                Address(route, poisonQuery: "360222%00")
            );
            Assert.True(
                status == HttpStatusCode.BadRequest,
                $"NUL {route.Template} → {(int)status}: {body}"
            );
            NothingLeaks("NUL", route, status, body);
            poisoned++;
        }
        Assert.True(poisoned >= 5, $"only {poisoned} routes take a division in their query");
    }

    [Fact]
    public async Task A_clerk_cannot_read_the_township_batch_that_holds_other_villages_residents()
    {
        var clerk = await _driver.Registry.Clerk(Target);
        foreach (
            var path in new[]
            {
                $"/api/imports/batches/{_ids["batch"]}",
                $"/api/imports/batches/{_ids["batch"]}/errors.csv",
                $"/api/imports/batches/{_ids["batch"]}/errors.xlsx",
            }
        )
        {
            var response = await clerk.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        var listed = await clerk.GetFromJsonAsync<JsonArray>("/api/imports/batches");
        Assert.DoesNotContain(listed!, b => b!["id"]!.GetValue<string>() == _ids["batch"]);
        var officer = await system.GatewayAsAsync("township-officer", Target[..9]);
        Assert.Equal(
            HttpStatusCode.OK,
            (await officer.GetAsync($"/api/imports/batches/{_ids["batch"]}")).StatusCode
        );
    }

    [Fact]
    public async Task Another_villages_clerk_editing_a_locked_scheme_is_told_403_not_that_it_is_locked()
    {
        var other = await system.GatewayAsAsync("village-clerk", "360222107202");
        var response = await other.PutAsJsonAsync(
            $"/api/registry/schemes/{_ids["scheme"]}",
            new { terms = RegistryDriver.Terms(SettlementDriver.Today) }
        );
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("锁定", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Wrong_json_types_and_broken_bytes_are_chinese_400s()
    {
        // A single write and a batch: each reads its body through the same binding.
        var clerk = await _driver.Registry.Clerk(Target);
        var bureau = await _driver.Registry.CountyBureau();
        foreach (
            var (client, route) in new[]
            {
                (clerk, "/api/registry/schemes"),
                (bureau, "/api/registry/pilots/batch"),
            }
        )
        foreach (
            var (content, what) in new[]
            {
                (
                    new StringContent(
                        """{"villageCode": 360222107201, "year": "二〇二六"}""",
                        Encoding.UTF8,
                        "application/json"
                    ),
                    "wrong types"
                ),
                (
                    new StringContent(
                        "{\"villageCode\": \"36022",
                        Encoding.UTF8,
                        "application/json"
                    ),
                    "cut off"
                ),
                (
                    new ByteArrayContent([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D])
                    {
                        Headers = { ContentType = new("application/json") },
                    },
                    "invalid UTF-8"
                ),
                (
                    new StringContent(
                        "{\"villageCode\":\"3602221\u0000\",\"year\":2026,\"terms\":{}}",
                        Encoding.UTF8,
                        "application/json"
                    ),
                    "NUL in a string"
                ),
            }
        )
        {
            var response = await client.PostAsync(route, content);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(
                response.StatusCode == HttpStatusCode.BadRequest,
                $"{route}, {what} → {(int)response.StatusCode}: {body}"
            );
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", body);
            Assert.DoesNotContain("Exception", body);
        }
    }
}
