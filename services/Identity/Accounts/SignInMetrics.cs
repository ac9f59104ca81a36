using Subsidy.ServiceDefaults.Telemetry;

namespace Identity.Accounts;

/// <summary>Sign-ins refused for a locked account: a burst of them is someone guessing passwords
/// (an operators' alert).</summary>
public static class SignInMetrics
{
    public static RunningTotal Lockouts { get; } =
        new(
            "subsidy.identity.lockouts",
            "Sign-ins refused because the account is locked after repeated wrong passwords or codes"
        );

    /// <summary>Exports the count from the start (at 0), not from the first lockout.</summary>
    public static void Register() => _ = Lockouts;
}
