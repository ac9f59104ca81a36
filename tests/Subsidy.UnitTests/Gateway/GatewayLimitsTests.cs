namespace Subsidy.UnitTests.Gateway;

public class GatewayLimitsTests
{
    private static global::Gateway.RateLimits Limits() =>
        new(
            Microsoft
                .Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(
                    new Microsoft.Extensions.Configuration.ConfigurationBuilder(),
                    new Dictionary<string, string?>
                    {
                        ["RateLimits:PermitsPerMinute"] = "600",
                        ["RateLimits:Roles:county-centre"] = "2400",
                    }
                )
                .Build()
        );

    [Theory]
    [InlineData("county-centre", 2400)]
    [InlineData("village-clerk", 600)]
    [InlineData(null, 600)]
    public void Each_role_has_its_budget_and_the_rest_the_default(string? role, int permits) =>
        Assert.Equal(permits, Limits().For(role));

    [Fact]
    public void Callers_without_a_token_share_a_budget_per_address_and_sign_in_pages_have_their_own()
    {
        var anonymous = new System.Security.Claims.ClaimsPrincipal(
            new System.Security.Claims.ClaimsIdentity()
        );
        var signIn = Limits().BudgetOf(anonymous, "/connect/authorize", "10.0.0.7");
        var api = Limits().BudgetOf(anonymous, "/api/registry/divisions", "10.0.0.7");
        Assert.Equal(("sign-in:10.0.0.7", 3000), (signIn.Key, signIn.PermitsPerMinute));
        Assert.Equal(("address:10.0.0.7", 600), (api.Key, api.PermitsPerMinute));
        var clerk = new System.Security.Claims.ClaimsPrincipal(
            new System.Security.Claims.ClaimsIdentity(
                [
                    new System.Security.Claims.Claim("sub", "u1"),
                    new System.Security.Claims.Claim("role", "county-centre"),
                ],
                "test"
            )
        );
        Assert.Equal(
            ("user:u1", 2400),
            (
                Limits().BudgetOf(clerk, "/account/login", "10.0.0.7").Key,
                Limits().BudgetOf(clerk, "/account/login", "10.0.0.7").PermitsPerMinute
            )
        );
    }

    [Theory]
    [InlineData("/api/imports/contributions", 2L << 30)]
    [InlineData("/api/imports/rosters", 64L << 20)]
    [InlineData("/api/registry/divisions", 1L << 20)]
    [InlineData("/connect/token", 1L << 20)]
    public void Bodies_are_bounded_per_route(string path, long limit) =>
        Assert.Equal(limit, global::Gateway.Proxy.BodyLimits.For(path));
}
