using System.Net;
using System.Text.Json.Nodes;

namespace Subsidy.EndToEndTests.Portal;

/// <summary>Integrators read every service's API through the gateway, without a token, and one
/// reference page over them all.</summary>
[Collection(SystemCollection.Name)]
public sealed class ApiReferenceTests(SubsidySystem system)
{
    [Theory]
    [InlineData("registry", "/api/registry/schemes/{id}/submit")]
    [InlineData("imports", "/api/imports/contributions")]
    [InlineData("calculation", "/api/calculation/village-years/{villageCode}/{year}/confirm")]
    [InlineData("documents", "/api/documents/{id}")]
    public async Task Each_service_publishes_its_OpenAPI_document_through_the_gateway_with_the_gateway_as_server(
        string area,
        string path
    )
    {
        var response = await system.Gateway.GetAsync($"/api/{area}/openapi/v1.json");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(
            response.StatusCode == HttpStatusCode.OK,
            $"{area}: {(int)response.StatusCode} {text}"
        );
        var document = JsonNode.Parse(text)!;
        Assert.Contains(path, document["paths"]!.AsObject().Select(p => p.Key));
        var servers = document["servers"]!.AsArray();
        Assert.Equal("/", Assert.Single(servers)!["url"]!.GetValue<string>());
        Assert.Equal(
            "bearer",
            document["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>()
        );
    }

    [Fact]
    public async Task The_API_reference_page_offers_every_service_document()
    {
        var page = await system.Gateway.GetAsync("/api/reference/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        // Scalar writes each document's address relative to the site's root, which its script
        // resolves against the origin.
        foreach (var area in new[] { "registry", "imports", "calculation", "documents" })
            Assert.Contains($"\"url\":\"api/{area}/openapi/v1.json\"", html);
    }
}
