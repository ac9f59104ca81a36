using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Subsidy.EndToEndTests;

/// <summary>Drives scheme-registry through the gateway the way its users do, each call as the right
/// role.</summary>
public sealed class RegistryDriver(SubsidySystem system)
{
    public const string County = "360222";

    public Task<HttpClient> CountyBureau() => system.GatewayAsAsync("county-bureau", County);

    public Task<HttpClient> Clerk(string village) =>
        system.GatewayAsAsync("village-clerk", village);

    public Task<HttpClient> Township(string village) =>
        system.GatewayAsAsync("township-officer", village[..9]);

    public Task<HttpClient> City() => system.GatewayAsAsync("city-bureau", "3602");

    public static HttpRequestMessage Post(string path, object? body, DateOnly? businessDate = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(body ?? new { }),
        };
        if (businessDate is { } date)
            request.Headers.Add("X-Business-Date", date.ToString("yyyy-MM-dd"));
        return request;
    }

    public static async Task<JsonObject> ReadAsync(
        HttpResponseMessage response,
        HttpStatusCode expected
    )
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(
            response.StatusCode == expected,
            $"expected {(int)expected}, got {(int)response.StatusCode}: {text}"
        );
        return JsonNode.Parse(text) as JsonObject ?? new JsonObject();
    }

    /// <summary>The township of a village, of the test's own (so its export supersedes no other
    /// test's batch); there already when the test ran before on the same system.</summary>
    public async Task TownshipAsync(string village, string name)
    {
        var township = await (await CountyBureau()).PostAsJsonAsync(
            "/api/registry/divisions",
            new { code = village[..9] + "000", name }
        );
        Assert.True(
            township.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict,
            await township.Content.ReadAsStringAsync()
        );
    }

    /// <summary>A village of the county, with an active pilot.</summary>
    public async Task<string> ActiveVillageAsync(string code, string name)
    {
        await AppliedVillageAsync(code, name);
        await ReadAsync(
            await (await CountyBureau()).PostAsJsonAsync(
                $"/api/registry/pilots/{code}/approve",
                new { }
            ),
            HttpStatusCode.OK
        );
        return code;
    }

    /// <summary>A new village of the county whose clerk has applied for a pilot, not yet
    /// decided.</summary>
    public async Task AppliedVillageAsync(string code, string name)
    {
        var county = await CountyBureau();
        await ReadAsync(
            await county.PostAsJsonAsync("/api/registry/divisions", new { code, name }),
            HttpStatusCode.Created
        );
        var clerk = await Clerk(code);
        await ReadAsync(
            await clerk.PostAsJsonAsync(
                $"/api/registry/pilots/{code}/apply",
                new
                {
                    lastYearIncome = 500000,
                    operatingIncome = 300000,
                    plannedSubsidy = 80000,
                }
            ),
            HttpStatusCode.OK
        );
    }

    public static object Terms(
        DateOnly procedureDone,
        object? floors = null,
        object? incentives = null,
        string stacking = "sum",
        decimal? budget = null,
        string membership = "roster"
    ) =>
        new
        {
            membershipBasis = membership,
            stacking,
            floors = floors
                ?? new object[]
                {
                    new { group = "dibao", amount = 200 },
                    new { group = "tekun", amount = 300 },
                },
            incentives = incentives
                ?? new object[]
                {
                    new { minTier = 500, amount = 100 },
                    new { minTier = 1000, amount = 300 },
                },
            // Budget = collective income + collective-managed donations: 60,000 unless a test needs
            // a tight one.
            collectiveIncome = budget ?? 50000,
            donations = budget is null
                ? new object[]
                {
                    new
                    {
                        donor = "张三（乡贤）",
                        kind = "individual",
                        amount = 10000,
                        managedBy = "collective",
                    },
                }
                : [],
            procedure = new
            {
                proposedOn = procedureDone.AddDays(-20),
                firstDeliberationOn = procedureDone.AddDays(-15),
                secondDeliberationOn = procedureDone.AddDays(-10),
                resolvedOn = procedureDone.AddDays(-5),
                publishedOn = procedureDone,
            },
            organisationName = "红星村股份经济合作社",
            creditCode = "N2360222MF0000000K",
        };

    public async Task<string> DraftAsync(
        string village,
        int year,
        DateOnly today,
        object? terms = null
    )
    {
        var clerk = await Clerk(village);
        var created = await ReadAsync(
            await clerk.SendAsync(
                Post(
                    "/api/registry/schemes",
                    new
                    {
                        villageCode = village,
                        year,
                        terms = terms ?? Terms(today.AddDays(-1)),
                    },
                    today
                )
            ),
            HttpStatusCode.Created
        );
        return created["id"]!.GetValue<string>();
    }

    /// <summary>Takes a draft through submission, township and county approval on the given
    /// business date.</summary>
    public async Task<JsonObject> ApproveAsync(string village, string id, DateOnly today)
    {
        await ReadAsync(
            await (await Clerk(village)).SendAsync(
                Post($"/api/registry/schemes/{id}/submit", null, today)
            ),
            HttpStatusCode.OK
        );
        await ReadAsync(
            await (await Township(village)).SendAsync(
                Post($"/api/registry/schemes/{id}/township-approve", null, today)
            ),
            HttpStatusCode.OK
        );
        return await ReadAsync(
            await (await CountyBureau()).SendAsync(
                Post($"/api/registry/schemes/{id}/county-approve", null, today)
            ),
            HttpStatusCode.OK
        );
    }

    public static string State(JsonObject scheme) => scheme["state"]!.GetValue<string>();
}
