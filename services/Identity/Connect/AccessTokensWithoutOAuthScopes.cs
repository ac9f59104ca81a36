using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Identity.Connect;

/// <summary>
/// OpenIddict writes the granted OAuth scopes ("openid offline_access") into an access token's
/// "scope" claim, where this system's services read the division-code prefix. The resource servers
/// have no use for OAuth's scopes (the audience says the token is for them), so the access token
/// carries none and "scope" keeps its meaning here. Refresh tokens and authorization codes keep
/// their scopes: offline_access is what makes a refresh token.
/// </summary>
public sealed class AccessTokensWithoutOAuthScopes : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor
            .CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<AccessTokensWithoutOAuthScopes>()
            .SetOrder(OpenIddictServerHandlers.PrepareAccessTokenPrincipal.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        context.AccessTokenPrincipal?.SetScopes(Array.Empty<string>());
        return ValueTask.CompletedTask;
    }
}
