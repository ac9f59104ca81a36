using System.Security.Claims;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Subsidy.ServiceDefaults.Auth;

/// <summary>
/// Signs tokens for the automated tests (the Testing environment), which mint any role and scope
/// without signing in. It refuses to exist in any other environment: Development and Production
/// trust only the OIDC issuer (the identity service).
/// </summary>
public sealed class DevTokenIssuer
{
    public const string DefaultIssuer = "subsidy-dev";
    public const string DefaultAudience = "subsidy-api";
    public const string TestingEnvironment = "Testing";

    private readonly SigningCredentials _credentials;
    private readonly string _issuer;
    private readonly string _audience;

    public DevTokenIssuer(AuthOptions options, IHostEnvironment environment)
    {
        if (!IsAllowedIn(environment))
            throw new InvalidOperationException("开发令牌签发仅限自动化测试环境（Testing）。");
        if (string.IsNullOrWhiteSpace(options.DevSigningKey))
            throw new InvalidOperationException("缺少 Auth:DevSigningKey。");
        _credentials = new SigningCredentials(
            new SymmetricSecurityKey(Convert.FromBase64String(options.DevSigningKey)),
            SecurityAlgorithms.HmacSha256
        );
        _issuer = options.Issuer;
        _audience = options.Audience;
    }

    public static bool IsAllowedIn(IHostEnvironment environment) =>
        environment.IsEnvironment(TestingEnvironment);

    public string Issue(DemoUser user, TimeSpan lifetime)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(
            new SecurityTokenDescriptor
            {
                Issuer = _issuer,
                Audience = _audience,
                IssuedAt = now,
                NotBefore = now,
                Expires = now.Add(lifetime),
                SigningCredentials = _credentials,
                Subject = new ClaimsIdentity([
                    new Claim(Caller.SubjectClaim, user.UserId),
                    new Claim(Caller.NameClaim, user.Name),
                    new Claim(Caller.RoleClaim, user.Role),
                    new Claim(Caller.ScopeClaim, user.Scope),
                ]),
            }
        );
    }
}

public sealed record DemoUser(string UserId, string Name, string Role, string Scope);
