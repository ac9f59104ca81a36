namespace Subsidy.ServiceDefaults.Auth;

/// <summary>
/// A step open to the caller now, as an object (a village-year, a scheme, a pilot) answers it: its code, the button's label,
/// the route under the object, the question to put before it, what it asks for (<c>asks</c>:
/// "reason" or "payment", or nothing), and — when the step belongs to this moment but is refused —
/// why. The portal draws these; it never decides which steps a role may take.
/// </summary>
public sealed record AllowedStep(
    string Step,
    string Label,
    string Path,
    bool Allowed,
    string? WhyNot,
    string? Confirm,
    string? Asks,
    bool Danger
)
{
    /// <summary>A step the caller may take, as a workflow offers it (nothing to explain).</summary>
    public static AllowedStep Open(
        string step,
        string label,
        string path,
        string? asks = null,
        bool danger = false
    ) => new(step, label, path, true, null, null, asks, danger);
}
