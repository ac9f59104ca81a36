using System.Diagnostics.Metrics;
using Subsidy.ServiceDefaults.Telemetry;

namespace Identity.Keys;

/// <summary>
/// How long until the signing key is due for rotation: a key is used for at most
/// Identity:SigningKeyLifetimeDays (365 by default), and operators are warned 14 days before
/// (deploy/prometheus/alerts.yml), so the rotation is planned, not discovered.
/// </summary>
public static class KeyMetrics
{
    public const int DefaultLifetimeDays = 365;

    public static void Register(KeyRing keys, int lifetimeDays) =>
        SubsidyTelemetry.Meter.CreateObservableGauge(
            "subsidy.identity.signing_key_expires_seconds",
            () => Observe(keys, lifetimeDays, DateTimeOffset.UtcNow),
            unit: "s",
            description: "Seconds until the current token signing key is due for rotation"
        );

    public static IEnumerable<Measurement<double>> Observe(
        KeyRing keys,
        int lifetimeDays,
        DateTimeOffset now
    )
    {
        if (keys.CurrentSigningKeyCreatedAt is not { } created)
            yield break;
        yield return new Measurement<double>((created.AddDays(lifetimeDays) - now).TotalSeconds);
    }
}
