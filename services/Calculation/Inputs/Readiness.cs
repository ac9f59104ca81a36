using Calculation.Settlement;
using Subsidy.Contracts;

namespace Calculation.Inputs;

/// <summary>An input a village-year cannot be calculated without
/// (docs/design/04-calculation.md).</summary>
public enum MissingInput
{
    /// <summary>No scheme county-approved or carried over for the year.</summary>
    Scheme = 1,

    /// <summary>No policy year for the village's county or province.</summary>
    PolicyYear = 2,

    /// <summary>The village is not (or no longer) in the pilot.</summary>
    ActivePilot = 3,

    /// <summary>No accepted contribution export covers the village, or its chunks are still
    /// arriving.</summary>
    Contributions = 4,

    /// <summary>The scheme counts the roster's members, and no roster was accepted.</summary>
    Roster = 5,
}

/// <summary>Which inputs of a village-year are there: what <see cref="Readiness"/> decides
/// on.</summary>
public sealed record InputPresence(
    bool Scheme,
    MembershipBasis? Basis,
    bool PolicyYear,
    string? PilotStatus,
    bool ContributionsComplete,
    bool Roster
);

/// <summary>What the calculator does with a village-year it took up.</summary>
public enum Verdict
{
    /// <summary>The village's pilot is suspended: no new subsidy work.</summary>
    Suspended,

    /// <summary>An input is missing: the village-year waits, saying for what (unless settled
    /// already: then it stays).</summary>
    Wait,

    /// <summary>The inputs are the latest run's: nothing to do.</summary>
    Unchanged,

    /// <summary>The inputs are the latest run's and the village-year was waiting: it is calculated
    /// again as it was.</summary>
    Resume,

    /// <summary>Inputs changed after the village confirmed: the result is stale, not
    /// recalculated.</summary>
    MarkStale,

    /// <summary>Run the rules.</summary>
    Calculate,
}

/// <summary>The calculator's decisions, pure: wait (and for what), or go on; after the fingerprint,
/// calculate or not.</summary>
public static class Readiness
{
    public static IReadOnlyList<MissingInput> Missing(InputPresence p)
    {
        var missing = new List<MissingInput>();
        if (!p.Scheme)
            missing.Add(MissingInput.Scheme);
        if (!p.PolicyYear)
            missing.Add(MissingInput.PolicyYear);
        if (p.PilotStatus != "active")
            missing.Add(MissingInput.ActivePilot);
        if (!p.ContributionsComplete)
            missing.Add(MissingInput.Contributions);
        if (p.Basis == MembershipBasis.Roster && !p.Roster)
            missing.Add(MissingInput.Roster);
        return missing;
    }

    /// <summary>Before the records are read: suspended, waiting, or go on and read them.</summary>
    public static Verdict? BeforeLoading(
        string? pilotStatus,
        string? currentState,
        IReadOnlyList<MissingInput> missing
    ) =>
        pilotStatus == "suspended" || currentState == SettlementStates.Suspended ? Verdict.Suspended
        : missing.Count > 0 ? Verdict.Wait
        : null;

    /// <summary>Once the inputs' fingerprint is known: same as the latest run's, or changed before
    /// or after confirmation.</summary>
    public static Verdict AfterFingerprint(string? currentState, bool sameAsLatestRun) =>
        sameAsLatestRun
            ? currentState == SettlementStates.WaitingForInputs
                ? Verdict.Resume
                : Verdict.Unchanged
            : currentState is { } state && !SettlementStates.Recalculates(state)
                ? Verdict.MarkStale
                : Verdict.Calculate;

    public static string Code(MissingInput input) => EnumCodes.Of(input);

    public static string ChineseName(MissingInput input) =>
        input switch
        {
            MissingInput.Scheme => "尚无经县人社局批准（或结转）的本年度补助方案",
            MissingInput.PolicyYear => "尚无本年度政策参数",
            MissingInput.ActivePilot => "该村未参加试点，或试点尚未批准、已暂停",
            MissingInput.Contributions => "尚无已通过的本年度缴费明细，或明细仍在传送中",
            MissingInput.Roster => "方案按成员名册补助，尚未上传本年度集体经济组织成员名册",
            _ => input.ToString(),
        };
}
