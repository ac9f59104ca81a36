using System.Collections.Immutable;
using System.Text.Json;
using OpenIddict.Abstractions;

namespace Identity.Connect;

/// <summary>A machine client (a county's upload script): an OpenIddict application with the role
/// and scope its tokens carry.</summary>
public sealed record MachineClient(
    string ClientId,
    string DisplayName,
    string Role,
    string Scope,
    bool Enabled
)
{
    public const string RoleProperty = "subsidy_role";
    public const string ScopeProperty = "subsidy_scope";
    public const string EnabledProperty = "subsidy_enabled";

    public static async Task<MachineClient?> ReadAsync(
        IOpenIddictApplicationManager applications,
        object application,
        CancellationToken cancellationToken
    )
    {
        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        if (
            !properties.TryGetValue(RoleProperty, out var role)
            || !properties.TryGetValue(ScopeProperty, out var scope)
        )
            return null;
        return new MachineClient(
            (await applications.GetClientIdAsync(application, cancellationToken))!,
            await applications.GetDisplayNameAsync(application, cancellationToken) ?? "",
            role.GetString() ?? "",
            scope.GetString() ?? "",
            !properties.TryGetValue(EnabledProperty, out var enabled)
                || enabled.ValueKind != JsonValueKind.False
        );
    }

    public static void Write(
        OpenIddictApplicationDescriptor descriptor,
        string role,
        string scope,
        bool enabled
    )
    {
        descriptor.Properties[RoleProperty] = JsonSerializer.SerializeToElement(role);
        descriptor.Properties[ScopeProperty] = JsonSerializer.SerializeToElement(scope);
        descriptor.Properties[EnabledProperty] = JsonSerializer.SerializeToElement(enabled);
    }

    public static ImmutableArray<string> Permissions { get; } =
    [
        OpenIddictConstants.Permissions.Endpoints.Token,
        OpenIddictConstants.Permissions.GrantTypes.ClientCredentials,
        OpenIddictConstants.Permissions.Prefixes.Resource + TokenClaims.Audience,
    ];
}
