using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Subsidy.ServiceDefaults.Auth;

namespace Subsidy.UnitTests.ServiceDefaults;

public class AccessTests
{
    [Theory]
    [InlineData("360222", "360222100201", true)]
    [InlineData("360222", "360222000000", true)]
    [InlineData("360222", "360281100201", false)]
    [InlineData("360222100", "360222101201", false)]
    [InlineData("3602", "360281100201", true)]
    [InlineData("", "360222100201", false)]
    public void Scope_is_a_code_prefix(string scope, string code, bool covered) =>
        Assert.Equal(covered, new Caller("u", "n", Roles.CountyCentre, scope).Covers(code));

    [Theory]
    [InlineData("Development", false)]
    [InlineData("Testing", true)]
    [InlineData("Production", false)]
    [InlineData("Staging", false)]
    public void Development_tokens_exist_only_in_the_automated_tests(string environment, bool allowed)
    {
        var host = new Environment { EnvironmentName = environment };
        Assert.Equal(allowed, DevTokenIssuer.IsAllowedIn(host));
        var options = new AuthOptions { DevSigningKey = Convert.ToBase64String(new byte[32]) };
        if (allowed) Assert.NotNull(new DevTokenIssuer(options, host));
        else Assert.Throws<InvalidOperationException>(() => new DevTokenIssuer(options, host));
    }

    private sealed class Environment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "";
        public string ApplicationName { get; set; } = "tests";
        public string ContentRootPath { get; set; } = "";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}

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
