using OtpNet;

namespace Identity.Accounts;

/// <summary>Time-based one-time passwords (RFC 6238, 6 digits, 30 s) as authenticator apps make
/// them, by Otp.NET.</summary>
public static class SecondFactor
{
    public const string Issuer = "集体补助系统";

    /// <summary>
    /// Accepts the code of the current 30-second step or the one either side (a phone's clock a
    /// little off), but never a step at or before <paramref name="lastAcceptedStep"/>: a code seen
    /// over a shoulder cannot be used again.
    /// </summary>
    public static bool Verify(
        string base32Key,
        string? code,
        long lastAcceptedStep,
        DateTime utcNow,
        out long step
    )
    {
        step = 0;
        code = code?.Replace(" ", "", StringComparison.Ordinal);
        if (code is not { Length: 6 } || !code.All(char.IsAsciiDigit))
            return false;
        var totp = new Totp(Base32Encoding.ToBytes(base32Key));
        return totp.VerifyTotp(
                utcNow,
                code,
                out step,
                new VerificationWindow(previous: 1, future: 1)
            )
            && step > lastAcceptedStep;
    }

    public static string Code(string base32Key, DateTime utcNow) =>
        new Totp(Base32Encoding.ToBytes(base32Key)).ComputeTotp(utcNow);

    /// <summary>The otpauth:// address an authenticator app reads (typed in or from a QR
    /// code).</summary>
    public static string AppUri(string base32Key, string userName) =>
        new OtpUri(OtpType.Totp, base32Key, userName, Issuer).ToString();

    /// <summary>The key in groups of four, as a person types it into an app.</summary>
    public static string Grouped(string base32Key) =>
        string.Join(' ', base32Key.Chunk(4).Select(c => new string(c)));
}
