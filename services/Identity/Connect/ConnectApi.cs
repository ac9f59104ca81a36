using System.Security.Claims;
using Identity.Accounts;
using Identity.Seeding;
using Identity.SignIn;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Identity.Connect;

/// <summary>
/// The OpenID Connect endpoints OpenIddict passes through to us: the authorization endpoint (code
/// flow with PKCE, after the sign-in pages), the token endpoint (codes, rotating refresh tokens,
/// client credentials) and sign-out.
/// </summary>
public static class ConnectApi
{
    public static IEndpointRouteBuilder MapConnectApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/connect/authorize", ["GET", "POST"], Authorize).DisableAntiforgery();
        app.MapPost("/connect/token", Exchange).DisableAntiforgery();
        app.MapMethods("/connect/logout", ["GET", "POST"], SignOut).DisableAntiforgery();
        return app;
    }

    public static async Task<IResult> Authorize(HttpContext http, UserManager<Account> users)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("不是 OpenID Connect 请求。");
        var signedIn = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var account = signedIn.Succeeded ? await users.GetUserAsync(signedIn.Principal!) : null;
        if (account is null || !account.Enabled || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.LoginRequired, "用户未登录。");
            }
            // After signing in the person comes back to this very request (without prompt=login, or
            // it would loop).
            var parameters = (
                http.Request.HasFormContentType
                    ? http.Request.Form.AsEnumerable()
                    : http.Request.Query.AsEnumerable()
            ).Where(p => p.Key != Parameters.Prompt);
            var back = http.Request.PathBase + http.Request.Path + QueryString.Create(parameters);
            if (signedIn.Succeeded)
                await http.SignOutAsync(IdentityConstants.ApplicationScheme);
            return Results.Redirect(SignInPages.LoginPath + QueryString.Create("returnUrl", back));
        }

        var identity = TokenClaims.For(account);
        identity.SetScopes(
            request.GetScopes().Intersect([Scopes.OpenId, Scopes.Profile, Scopes.OfflineAccess])
        );
        return Results.SignIn(
            new ClaimsPrincipal(identity),
            authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme
        );
    }

    public static async Task<IResult> Exchange(
        HttpContext http,
        UserManager<Account> users,
        IOpenIddictApplicationManager applications,
        IdentitySettings settings,
        CancellationToken cancellationToken
    )
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("不是 OpenID Connect 请求。");
        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var granted = await http.AuthenticateAsync(
                OpenIddictServerAspNetCoreDefaults.AuthenticationScheme
            );
            var account = granted.Principal?.GetClaim(Claims.Subject) is { } subject
                ? await users.FindByIdAsync(subject)
                : null;
            // A disabled account's refresh tokens were revoked when it was disabled; this refuses
            // any that slipped past.
            if (account is null || !account.Enabled)
                return Refuse(Errors.InvalidGrant, "账号已停用或不存在，请重新登录。");

            // The role and scope as they stand now: a change by the administrator applies from the
            // next refresh.
            var identity = TokenClaims.For(account);
            identity.SetScopes(granted.Principal!.GetScopes());
            if (
                request.ClientId == Seeder.PortalClientId
                && settings.PortalAccessTokenSeconds is { } seconds
            )
            {
                identity.SetAccessTokenLifetime(
                    TimeSpan.FromSeconds(Math.Clamp(seconds, 30, settings.AccessTokenMinutes * 60))
                );
            }
            return Results.SignIn(
                new ClaimsPrincipal(identity),
                authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme
            );
        }
        if (request.IsClientCredentialsGrantType())
        {
            var application = await applications.FindByClientIdAsync(
                request.ClientId!,
                cancellationToken
            );
            var client = application is null
                ? null
                : await MachineClient.ReadAsync(applications, application, cancellationToken);
            if (client is null || !client.Enabled)
                return Refuse(Errors.InvalidClient, "客户端已停用或不存在。");
            var identity = TokenClaims.For(
                client.ClientId,
                client.DisplayName,
                client.Role,
                client.Scope
            );
            return Results.SignIn(
                new ClaimsPrincipal(identity),
                authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme
            );
        }
        return Refuse(Errors.UnsupportedGrantType, "不支持该授权方式。");
    }

    /// <summary>Sign-out ends the session here and every refresh token of the account, then returns
    /// to the client.</summary>
    public static async Task<IResult> SignOut(
        HttpContext http,
        SignInManager<Account> signIn,
        UserManager<Account> users,
        IOpenIddictTokenManager tokens,
        CancellationToken cancellationToken
    )
    {
        var signedIn = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        if (signedIn.Succeeded && await users.GetUserAsync(signedIn.Principal!) is { } account)
        {
            await tokens.RevokeBySubjectAsync(account.Id, cancellationToken);
        }
        await signIn.SignOutAsync();
        return Results.SignOut(
            new AuthenticationProperties { RedirectUri = SignInPages.SignedOutPath },
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]
        );
    }

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(
                new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
                }
            ),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]
        );
}
