using Microsoft.AspNetCore.Identity;

namespace Identity.Accounts;

/// <summary>
/// A person who signs in: ASP.NET Core Identity's user (password hash, lockout, authenticator key,
/// recovery codes) with the role and division scope its tokens carry. The user name is also its id
/// and the tokens' "sub", so the other services' audit records name people readably; accounts are
/// never renamed.
/// </summary>
public sealed class Account : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public string Role { get; set; } = "";

    /// <summary>Division-code prefix the account acts within
    /// (docs/design/08-access-and-roles.md).</summary>
    public string Scope { get; set; } = "";
    public bool Enabled { get; set; } = true;

    /// <summary>Set when an administrator gave the password (creation, reset): the person chooses
    /// their own at the next sign-in.</summary>
    public bool MustChangePassword { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The TOTP time step last accepted, so one code cannot be used twice.</summary>
    public long LastTotpStep { get; set; }
}
