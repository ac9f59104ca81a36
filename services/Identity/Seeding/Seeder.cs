using Identity.Accounts;
using Identity.Connect;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using Subsidy.Contracts;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Identity.Seeding;

/// <summary>What the identity service sets up at every start: the portal client (as configured)
/// and, in Development and Testing, the demo accounts.</summary>
public static class Seeder
{
    public const string PortalClientId = "portal";

    public static async Task SeedAsync(
        IServiceProvider services,
        IdentitySettings settings,
        IHostEnvironment environment,
        ILogger logger,
        CancellationToken cancellationToken
    )
    {
        await using var scope = services.CreateAsyncScope();
        await RegisterPortalAsync(
            scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>(),
            settings,
            cancellationToken
        );
        if (!string.IsNullOrWhiteSpace(settings.DemoAccountsFile))
        {
            if (environment.IsProduction())
                throw new InvalidOperationException(
                    "生产环境不能创建演示账号（Identity:DemoAccountsFile）。"
                );
            var created = await CreateDemoAccountsAsync(
                scope.ServiceProvider,
                DemoAccountsFile.Read(settings.DemoAccountsFile),
                cancellationToken
            );
            logger.LogInformation(
                "演示账号 demo accounts: {Created} created from {File}",
                created,
                settings.DemoAccountsFile
            );
        }
    }

    /// <summary>The portal signs people in with the code flow and PKCE, as a public client (no
    /// secret in a browser's reach).</summary>
    private static async Task RegisterPortalAsync(
        IOpenIddictApplicationManager applications,
        IdentitySettings settings,
        CancellationToken cancellationToken
    )
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = PortalClientId,
            ClientType = ClientTypes.Public,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = "业务工作台",
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
                Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile,
                Permissions.Prefixes.Scope + Scopes.OfflineAccess,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        descriptor.RedirectUris.UnionWith(settings.PortalRedirects);
        descriptor.PostLogoutRedirectUris.UnionWith(settings.PortalPostLogoutRedirects);
        if (
            await applications.FindByClientIdAsync(PortalClientId, cancellationToken) is
            { } existing
        )
        {
            await applications.UpdateAsync(existing, descriptor, cancellationToken);
        }
        else
        {
            await applications.CreateAsync(descriptor, cancellationToken);
        }
    }

    private static async Task<int> CreateDemoAccountsAsync(
        IServiceProvider services,
        IReadOnlyList<DemoAccount> accounts,
        CancellationToken cancellationToken
    )
    {
        var users = services.GetRequiredService<UserManager<Account>>();
        var created = 0;
        foreach (var demo in accounts)
        {
            if (await users.FindByIdAsync(demo.UserName) is not null)
                continue;
            var account = new Account
            {
                Id = demo.UserName,
                UserName = demo.UserName,
                DisplayName = demo.DisplayName,
                Role = demo.Role,
                Scope = demo.Scope,
                LockoutEnabled = true,
                CreatedAt = DateTimeOffset.UtcNow,
                TwoFactorEnabled = demo.TotpKey is not null,
            };
            var result = await users.CreateAsync(account, demo.Password);
            if (!result.Succeeded)
                throw new InvalidOperationException(
                    $"演示账号 {demo.UserName}：{string.Join(" ", result.Errors.Select(e => e.Description))}"
                );
            if (demo.TotpKey is not null)
                await users.SetAuthenticationTokenAsync(
                    account,
                    "[AspNetUserStore]",
                    "AuthenticatorKey",
                    demo.TotpKey
                );
            created++;
            cancellationToken.ThrowIfCancellationRequested();
        }
        return created;
    }
}
