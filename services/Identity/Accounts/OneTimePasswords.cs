using System.Security.Cryptography;

namespace Identity.Accounts;

/// <summary>Passwords an administrator hands over (new account, reset); the person replaces it at
/// the first sign-in.</summary>
public static class OneTimePasswords
{
    // No 0/O, 1/l/I: read aloud or copied from a printout without mistakes.
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";

    public static string New() => RandomNumberGenerator.GetString(Alphabet, 14);
}
