using Identity.Accounts;
using Identity.Connect;
using Identity.Data;
using Identity.Keys;
using Identity.Seeding;
using Identity.SignIn;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpenIddict.Server;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Messaging;
using Subsidy.ServiceDefaults.Auth;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Identity;

internal static class ApplicationServices
{
    public const string ServiceName = "identity";

    /// <param name="serving">False for the one-time commands (create-admin, keys rotate), which
    /// need the database only.</param>
    public static void AddApplicationServices(
        this WebApplicationBuilder builder,
        bool serving = true
    )
    {
        var settings = builder
            .Configuration.GetSection(IdentitySettings.Section)
            .Get<IdentitySettings>()
            ?? new IdentitySettings();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(settings);
        builder.AddServiceDatabase(ServiceName);
        builder.Services.AddSingleton(Identity.Accounts.AccountAuditWording.Create());
        builder.Services.AddDbContext<IdentityDb>(
            (services, db) =>
                db.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>()).UseOpenIddict()
        );
        builder.Services.AddScoped<AccountChanges>();
        builder
            .Services.AddDataProtection()
            .SetApplicationName("subsidy-identity")
            .PersistKeysToDbContext<IdentityDb>();

        builder
            .Services.AddIdentityCore<Account>(identity =>
            {
                // The policy of docs/design/08-access-and-roles.md is PasswordPolicyValidator's
                // (Chinese reasons); Identity's own character rules are off.
                identity.Password.RequiredLength = 1;
                identity.Password.RequireDigit = false;
                identity.Password.RequireLowercase = false;
                identity.Password.RequireUppercase = false;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Password.RequiredUniqueChars = 1;
                identity.Lockout.MaxFailedAccessAttempts = 5;
                identity.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                identity.Lockout.AllowedForNewUsers = true;
            })
            .AddPasswordValidator<PasswordPolicyValidator>()
            .AddSignInManager()
            .AddEntityFrameworkStores<IdentityDb>()
            .AddDefaultTokenProviders();

        // The demo signs in a whole county's officers at once on two cores: in Development and
        // Testing a password hash costs a tenth of Identity's PBKDF2 iterations. Production keeps
        // Identity's default.
        if (
            builder.Environment.IsDevelopment()
            || builder.Environment.IsEnvironment(DevTokenIssuer.TestingEnvironment)
        )
        {
            builder.Services.Configure<PasswordHasherOptions>(hasher =>
                hasher.IterationCount = 10_000
            );
        }

        var keyRing = new KeyRing();
        builder.Services.AddSingleton(keyRing);
        KeyMetrics.Register(
            keyRing,
            builder.Configuration.GetValue(
                "Identity:SigningKeyLifetimeDays",
                KeyMetrics.DefaultLifetimeDays
            )
        );
        SignInMetrics.Register();
        builder
            .Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<IdentityDb>())
            .AddServer(server =>
            {
                server.SetIssuer(settings.IssuerUri);
                server
                    .SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetEndSessionEndpointUris("connect/logout")
                    .SetRevocationEndpointUris("connect/revoke");
                server
                    .AllowAuthorizationCodeFlow()
                    .RequireProofKeyForCodeExchange()
                    .AllowRefreshTokenFlow()
                    .AllowClientCredentialsFlow();
                server.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.OfflineAccess);
                server
                    .SetAccessTokenLifetime(
                        TimeSpan.FromMinutes(Math.Clamp(settings.AccessTokenMinutes, 1, 10))
                    )
                    .SetIdentityTokenLifetime(TimeSpan.FromMinutes(10))
                    .SetRefreshTokenLifetime(TimeSpan.FromHours(settings.RefreshTokenHours))
                    // Rotation without grace: a refresh token used twice is refused (and OpenIddict
                    // revokes its successors).
                    .SetRefreshTokenReuseLeeway(TimeSpan.Zero);
                // The gateway and services validate access tokens as plain signed JWTs with their
                // JWT bearer handler.
                server.DisableAccessTokenEncryption();
                server.AddEventHandler(AccessTokensWithoutOAuthScopes.Descriptor);
                // TLS ends in front of the gateway (a county's reverse proxy); the hop to this
                // service is plain HTTP.
                server
                    .UseAspNetCore()
                    .DisableTransportSecurityRequirement()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();
            });
        // The keys come from the database once it is migrated (Program), before the server's
        // options are first read.
        builder
            .Services.AddOptions<OpenIddictServerOptions>()
            .Configure<KeyRing>(
                (options, keys) =>
                {
                    options.SigningCredentials.AddRange(keys.Signing);
                    options.EncryptionCredentials.AddRange(keys.Encryption);
                    // PKCE with S256 only (RFC 9700): "plain" sends the verifier's equal over the front channel.
                    options.CodeChallengeMethods.Remove(
                        OpenIddict.Abstractions.OpenIddictConstants.CodeChallengeMethods.Plain
                    );
                }
            );

        if (!serving)
            return;

        // Bearer tokens for the account administration API, the cookies for the sign-in pages.
        builder.AddSubsidyAuthentication();
        builder
            .Services.AddAuthentication()
            .AddCookie(SignInPages.PendingScheme, cookie =>
            {
                cookie.Cookie.Name = "subsidy.signin";
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(10);
                cookie.SlidingExpiration = false;
            })
            .AddIdentityCookies(cookies =>
                cookies.ApplicationCookie!.Configure(cookie =>
                {
                    cookie.Cookie.Name = "subsidy.session";
                    cookie.LoginPath = SignInPages.LoginPath;
                    cookie.ExpireTimeSpan = TimeSpan.FromHours(settings.RefreshTokenHours);
                })
            );
        builder.Services.Configure<SecurityStampValidatorOptions>(stamps =>
            stamps.ValidationInterval = TimeSpan.FromMinutes(1)
        );
        builder.Services.AddAntiforgery(antiforgery =>
            antiforgery.Cookie.Name = "subsidy.antiforgery"
        );
        // The gateway forwards the browser's host and scheme: redirects point at the gateway, not
        // at this service.
        builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
            forwarded.ForwardedHeaders =
                ForwardedHeaders.XForwardedFor
                | ForwardedHeaders.XForwardedProto
                | ForwardedHeaders.XForwardedHost
        );
        builder.AddMessaging(ServiceName, bus => bus.AddConsumer<RevocationsResyncConsumer>());
        builder.Services.AddHostedService<TokenPruning>();
    }
}
