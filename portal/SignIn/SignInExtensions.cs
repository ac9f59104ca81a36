using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.JsonWebTokens;
using Portal.Gateway;

namespace Portal.SignIn;

/// <summary>
/// The one seam between the portal and whoever signs people in. With <c>Auth:Authority</c> set, the
/// portal signs people in at that OpenID Connect issuer (authorization code with PKCE) and keeps
/// the access token it gets; without it (Development and Testing only), a sign-in page lists the
/// gateway's demo users and takes a development token for the one chosen. Either way the result is
/// the same: a portal cookie and the user's access token on the server.
/// </summary>
public static class SignInExtensions
{
    public const string OidcScheme = OpenIdConnectDefaults.AuthenticationScheme;

    public static bool UsesOpenIdConnect(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["Auth:Authority"]);

    public static void AddPortalSignIn(this WebApplicationBuilder builder)
    {
        var oidc = UsesOpenIdConnect(builder.Configuration);
        if (
            !oidc
            && !builder.Environment.IsDevelopment()
            && !builder.Environment.IsEnvironment("Testing")
        )
        {
            throw new InvalidOperationException(
                "门户登录未配置：请设置 Auth:Authority（OpenID Connect 身份服务）；演示用户登录只在开发与测试环境中可用。"
            );
        }

        var authentication = builder
            .Services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = oidc
                    ? OidcScheme
                    : CookieAuthenticationDefaults.AuthenticationScheme;
            })
            .AddCookie(cookie =>
            {
                cookie.Cookie.Name = "subsidy.portal";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.LoginPath = "/signin";
                cookie.LogoutPath = "/signout";
                cookie.AccessDeniedPath = "/forbidden";
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.SlidingExpiration = false;
            });

        if (oidc)
        {
            authentication.AddOpenIdConnect(OidcScheme, options =>
            {
                options.Authority = builder.Configuration["Auth:Authority"];
                options.ClientId = builder.Configuration["Portal:ClientId"] ?? "portal";
                options.ClientSecret = builder.Configuration["Portal:ClientSecret"];
                options.ResponseType = "code";
                options.UsePkce = true;
                options.SaveTokens = true;
                options.MapInboundClaims = false;
                // Role, scope and name come with the tokens (the access token carries what the
                // services check).
                options.GetClaimsFromUserInfoEndpoint = false;
                // TLS ends in front of the gateway; as the services do, the portal reads the
                // issuer's metadata over plain HTTP inside the deployment.
                options.RequireHttpsMetadata = false;
                options.CallbackPath = "/signin-oidc";
                options.SignedOutCallbackPath = "/signout-callback-oidc";
                options.Scope.Clear();
                foreach (
                    var scope in (
                        builder.Configuration["Portal:Scopes"] ?? "openid profile offline_access"
                    ).Split(' ', StringSplitOptions.RemoveEmptyEntries)
                )
                    options.Scope.Add(scope);
                options.TokenValidationParameters.NameClaimType = "name";
                options.TokenValidationParameters.RoleClaimType = "role";
                options.Events.OnTokenValidated = context =>
                {
                    // Role and scope are what the services read from the access token; the portal
                    // shows the same.
                    var identity = (ClaimsIdentity)context.Principal!.Identity!;
                    if (context.TokenEndpointResponse?.AccessToken is { } accessToken)
                    {
                        var token = new JsonWebToken(accessToken);
                        foreach (var type in new[] { "role", "scope", "name" })
                        {
                            if (
                                identity.FindFirst(type) is null
                                && token.TryGetPayloadValue<string>(type, out var value)
                            )
                                identity.AddClaim(new Claim(type, value));
                        }
                    }
                    identity.AddClaim(new Claim(PortalUser.SessionClaim, NewSessionId()));
                    return Task.CompletedTask;
                };
            });
        }

        builder
            .Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddSingleton<UserSessions>();
    }

    public static IEndpointRouteBuilder MapSignInEndpoints(this IEndpointRouteBuilder app)
    {
        var oidc = UsesOpenIdConnect(app.ServiceProvider.GetRequiredService<IConfiguration>());
        if (oidc)
        {
            app.MapGet("/signin", (string? returnUrl) =>
                    TypedResults.Challenge(
                        new AuthenticationProperties { RedirectUri = LocalOrHome(returnUrl) },
                        [OidcScheme]
                    )
                )
                .AllowAnonymous();
        }
        else
        {
            app.MapGet("/signin", (string? returnUrl, string? error) =>
                    TypedResults.LocalRedirect(
                        $"/signin/demo?returnUrl={Uri.EscapeDataString(LocalOrHome(returnUrl))}{(error is null ? "" : "&error=" + Uri.EscapeDataString(error))}"
                    )
                )
                .AllowAnonymous();
            app.MapPost("/signin/dev", SignInAsDemoUser).AllowAnonymous();
        }
        // Signing out is harmless to force, so a plain link does it.
        app.MapGet("/signout", async (HttpContext http, UserSessions sessions) =>
            {
                if (PortalUser.From(http.User) is { } user)
                    sessions.Remove(user.SessionId);
                await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                if (oidc && http.User.Identity?.IsAuthenticated == true)
                {
                    return (IResult)
                        TypedResults.SignOut(
                            new AuthenticationProperties { RedirectUri = "/" },
                            [OidcScheme]
                        );
                }
                return TypedResults.LocalRedirect("/signin");
            })
            .AllowAnonymous();
        return app;
    }

    /// <summary>The development seam: a demo user's token from the gateway's development issuer,
    /// then the portal cookie.</summary>
    private static async Task<IResult> SignInAsDemoUser(
        [FromForm] string? user,
        [FromForm] string? role,
        [FromForm] string? scope,
        [FromForm] string? returnUrl,
        [FromForm] string? businessDate,
        HttpContext http,
        IHttpClientFactory clients,
        UserSessions sessions
    )
    {
        var gateway = clients.CreateClient(GatewayApi.ClientName);
        // A listed demo user, or any role and scope (the development issuer allows both).
        object request =
            string.IsNullOrWhiteSpace(user) || user == "custom"
                ? new { role, scope }
                : new { user };
        using var response = await gateway.PostAsJsonAsync(
            "/dev/token",
            request,
            http.RequestAborted
        );
        if (!response.IsSuccessStatusCode)
            return TypedResults.LocalRedirect(
                $"/signin?error={Uri.EscapeDataString("无法取得演示用户的令牌，请确认网关在开发或测试环境中运行。")}"
            );
        var issued = await response.Content.ReadFromJsonAsync<DevToken>(http.RequestAborted);
        var token = new JsonWebToken(issued!.AccessToken);
        var sessionId = NewSessionId();
        var claims = new List<Claim>
        {
            new("sub", token.Subject),
            new(
                "name",
                token.TryGetPayloadValue<string>("name", out var name) ? name : token.Subject
            ),
            new(
                "role",
                token.TryGetPayloadValue<string>("role", out var grantedRole) ? grantedRole : ""
            ),
            new("scope", token.TryGetPayloadValue<string>("scope", out var granted) ? granted : ""),
            new(PortalUser.SessionClaim, sessionId),
        };
        // Tests act on another business day (X-Business-Date), which the services honour in
        // Development and Testing only.
        DateOnly? date = DateOnly.TryParseExact(
            businessDate,
            "yyyy-MM-dd",
            CultureInfo.InvariantCulture,
            DateTimeStyles.None,
            out var parsed
        )
            ? parsed
            : null;
        if (date is { } d)
            claims.Add(
                new Claim(
                    PortalUser.BusinessDateClaim,
                    d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                )
            );
        var expires = new DateTimeOffset(token.ValidTo, TimeSpan.Zero);
        var properties = new AuthenticationProperties
        {
            ExpiresUtc = expires,
            IsPersistent = false,
        };
        properties.StoreTokens([
            new AuthenticationToken { Name = "access_token", Value = issued.AccessToken },
            new AuthenticationToken
            {
                Name = "expires_at",
                Value = expires.ToString("o", CultureInfo.InvariantCulture),
            },
        ]);
        sessions.Put(sessionId, new UserSession(issued.AccessToken, expires, date));
        await http.SignInAsync(
            CookieAuthenticationDefaults.AuthenticationScheme,
            new ClaimsPrincipal(new ClaimsIdentity(claims, "dev", "name", "role")),
            properties
        );
        return TypedResults.LocalRedirect(LocalOrHome(returnUrl));
    }

    private sealed record DevToken(string AccessToken);

    private static string NewSessionId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private static string LocalOrHome(string? returnUrl) =>
        returnUrl is { Length: > 0 }
        && returnUrl.StartsWith('/')
        && !returnUrl.StartsWith("//", StringComparison.Ordinal)
        && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
