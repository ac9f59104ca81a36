namespace Subsidy.UnitTests.Gateway;

public class GatewayLimitsTests
{
    private static global::Gateway.RateLimits Limits() => new(Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(new Microsoft.Extensions.Configuration.ConfigurationBuilder(), new Dictionary<string, string?>
    {
        ["RateLimits:PermitsPerMinute"] = "600",
        ["RateLimits:Roles:county-centre"] = "2400",
    }).Build());

    [Theory]
    [InlineData("county-centre", 2400)]
    [InlineData("village-clerk", 600)]
    [InlineData(null, 600)]
    public void Each_role_has_its_budget_and_the_rest_the_default(string? role, int permits) => Assert.Equal(permits, Limits().For(role));

    [Theory]
    [InlineData("/api/imports/contributions", 2L << 30)]
    [InlineData("/api/imports/rosters", 64L << 20)]
    [InlineData("/api/registry/divisions", 1L << 20)]
    [InlineData("/connect/token", 1L << 20)]
    public void Bodies_are_bounded_per_route(string path, long limit) => Assert.Equal(limit, global::Gateway.Proxy.BodyLimits.For(path));
}
