using System.Security.Claims;
using Identity.Accounts;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using Subsidy.ServiceDefaults.Auth;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Identity.Connect;

/// <summary>
/// The claims of this system's tokens: "sub", "name", "role" and "scope", exactly what the
/// development issuer puts in and what every service reads through <see cref="Caller"/>. "scope" is
/// the division-code prefix, not OAuth's list of granted scopes: access tokens leave OAuth's scopes
/// out (<see cref="AccessTokensWithoutOAuthScopes"/>), the services know each token is for them by
/// its audience, <see cref="Audience"/>.
/// </summary>
public static class TokenClaims
{
    public const string Audience = DevTokenIssuer.DefaultAudience;

    public static ClaimsIdentity For(string subject, string name, string role, string scope)
    {
        var identity = new ClaimsIdentity(
            TokenValidationParameters.DefaultAuthenticationType,
            Caller.NameClaim,
            Caller.RoleClaim
        );
        identity
            .SetClaim(Caller.SubjectClaim, subject)
            .SetClaim(Caller.NameClaim, name)
            .SetClaim(Caller.RoleClaim, role)
            .SetClaim(Caller.ScopeClaim, scope);
        identity.SetResources(Audience);
        identity.SetDestinations(static _ =>
            [Destinations.AccessToken, Destinations.IdentityToken]
        );
        return identity;
    }

    public static ClaimsIdentity For(Account account) =>
        For(account.Id, account.DisplayName, account.Role, account.Scope);
}
