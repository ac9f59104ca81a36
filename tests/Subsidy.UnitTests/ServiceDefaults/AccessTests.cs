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
    public void Development_tokens_exist_only_in_the_automated_tests(
        string environment,
        bool allowed
    )
    {
        var host = new Environment { EnvironmentName = environment };
        Assert.Equal(allowed, DevTokenIssuer.IsAllowedIn(host));
        var options = new AuthOptions { DevSigningKey = Convert.ToBase64String(new byte[32]) };
        if (allowed)
            Assert.NotNull(new DevTokenIssuer(options, host));
        else
            Assert.Throws<InvalidOperationException>(() => new DevTokenIssuer(options, host));
    }

    private sealed class Environment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "";
        public string ApplicationName { get; set; } = "tests";
        public string ContentRootPath { get; set; } = "";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
