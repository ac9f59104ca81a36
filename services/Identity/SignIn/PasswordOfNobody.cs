using Identity.Accounts;
using Microsoft.AspNetCore.Identity;

namespace Identity.SignIn;

/// <summary>
/// A sign-in with a user name nobody has is checked against a hash as a real one would be: answered at once, it would
/// tell an assessor — or anyone — which names exist by the time the answer takes. The hash is made once per process
/// by the service's own hasher, so it costs what a real account's check costs.
/// </summary>
public static class PasswordOfNobody
{
    private static readonly Account Nobody = new() { UserName = "nobody" };
    private static string? _hash;

    public static void Verify(IPasswordHasher<Account> hasher, string password)
    {
        var hash = _hash ??= hasher.HashPassword(Nobody, Guid.NewGuid().ToString("N"));
        _ = hasher.VerifyHashedPassword(Nobody, hash, password);
    }
}
