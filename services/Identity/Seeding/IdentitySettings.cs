namespace Identity.Seeding;

/// <summary>Configuration section "Identity".</summary>
public sealed class IdentitySettings
{
    public const string Section = "Identity";

    /// <summary>
    /// The issuer: the public address of the gateway through which browsers and clients reach the
    /// sign-in pages and /connect endpoints ("http://localhost:5080/" locally). Tokens carry it as
    /// "iss"; services validate against it.
    /// </summary>
    public string Issuer { get; set; } = "http://localhost:5080/";

    public int AccessTokenMinutes { get; set; } = 10;

    /// <summary>
    /// Shorter access tokens for the portal only (seconds, at least 30; unset: <see
    /// cref="AccessTokenMinutes"/>): the portal renews them with its refresh token, so a deployment
    /// may keep what a stolen one is worth smaller still.
    /// </summary>
    public int? PortalAccessTokenSeconds { get; set; }
    public int RefreshTokenHours { get; set; } = 10;

    /// <summary>Redirect addresses of the portal's code flow (";"-separated); default: the issuer's
    /// /signin-oidc.</summary>
    public string? PortalRedirectUris { get; set; }
    public string? PortalPostLogoutRedirectUris { get; set; }

    /// <summary>Development and Testing only: a JSON file of demo accounts to create at start (<see
    /// cref="Subsidy.Contracts.DemoAccount"/>).</summary>
    public string? DemoAccountsFile { get; set; }

    public Uri IssuerUri => new(Issuer.EndsWith('/') ? Issuer : Issuer + "/");

    public IEnumerable<Uri> PortalRedirects => Split(PortalRedirectUris, "signin-oidc");
    public IEnumerable<Uri> PortalPostLogoutRedirects =>
        Split(PortalPostLogoutRedirectUris, "signout-callback-oidc");

    private IEnumerable<Uri> Split(string? configured, string defaultPath) =>
        string.IsNullOrWhiteSpace(configured)
            ? [new Uri(IssuerUri, defaultPath)]
            : configured
                .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(u => new Uri(u));
}
