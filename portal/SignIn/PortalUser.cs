using System.Security.Claims;

namespace Portal.SignIn;

/// <summary>The signed-in user as the portal knows them: the claims of their access token, and the
/// session holding it.</summary>
public sealed record PortalUser(
    string UserId,
    string Name,
    string Role,
    string Scope,
    string SessionId
)
{
    public const string SessionClaim = "sid";
    public const string BusinessDateClaim = "business_date";

    public static PortalUser? From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true)
            return null;
        return new PortalUser(
            principal.FindFirstValue("sub") ?? "",
            principal.FindFirstValue("name") ?? principal.FindFirstValue("sub") ?? "",
            principal.FindFirstValue("role") ?? "",
            principal.FindFirstValue("scope") ?? "",
            principal.FindFirstValue(SessionClaim) ?? ""
        );
    }

    /// <summary>A scope is a division-code prefix; it covers every division whose code starts with
    /// it.</summary>
    /// <summary>Before the circuit has read who is signed in.</summary>
    public static readonly PortalUser Nobody = new("", "", "", "", "");

    public bool Covers(string divisionCode) =>
        Scope.Length > 0 && divisionCode.StartsWith(Scope, StringComparison.Ordinal);

    public bool Is(params string[] roles) => roles.Contains(Role);

    /// <summary>The county this user works in (the first six digits of the scope), when the scope
    /// is that deep.</summary>
    public string? County => Scope.Length >= 6 ? Scope[..6] : null;
}
