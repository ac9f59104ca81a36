using System.Text.Json;

namespace Subsidy.Contracts;

/// <summary>
/// An account of the demo (./run.sh demo): written by the demo before the system starts, created by
/// the identity service at its start (Development and Testing only), then signed in by the demo
/// through the real sign-in pages.
/// <see cref="TotpKey"/> is the authenticator key (base32) of county and city roles.
/// </summary>
public sealed record DemoAccount(
    string UserName,
    string DisplayName,
    string Role,
    string Scope,
    string Password,
    string? TotpKey
);

public static class DemoAccountsFile
{
    // People open this file to find a password: indented, and the Chinese names written as they
    // are, not escaped.
    private static readonly JsonSerializerOptions Json = new(StoredJson.Options)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(string path, IEnumerable<DemoAccount> accounts) =>
        File.WriteAllText(path, JsonSerializer.Serialize(accounts.ToList(), Json));

    public static IReadOnlyList<DemoAccount> Read(string path) =>
        JsonSerializer.Deserialize<List<DemoAccount>>(File.ReadAllText(path), Json) ?? [];
}
