using System.Security.Claims;

namespace Subsidy.ServiceDefaults.Auth;

/// <summary>Who is calling: the claims of a validated bearer token.</summary>
public sealed record Caller(string UserId, string Name, string Role, string Scope)
{
    public const string RoleClaim = "role";
    public const string ScopeClaim = "scope";
    public const string NameClaim = "name";
    public const string SubjectClaim = "sub";

    public static Caller From(ClaimsPrincipal principal) =>
        new(
            principal.FindFirstValue(SubjectClaim) ?? "",
            principal.FindFirstValue(NameClaim) ?? principal.FindFirstValue(SubjectClaim) ?? "",
            principal.FindFirstValue(RoleClaim) ?? "",
            principal.FindFirstValue(ScopeClaim) ?? ""
        );

    /// <summary>A scope is a division-code prefix; it covers every division whose code starts with
    /// it.</summary>
    public bool Covers(string divisionCode) =>
        Scope.Length > 0 && divisionCode.StartsWith(Scope, StringComparison.Ordinal);

    public bool HasRole(params ReadOnlySpan<string> roles)
    {
        foreach (var role in roles)
        {
            if (string.Equals(Role, role, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    public override string ToString() => $"{UserId} ({Role} {Scope})";
}
