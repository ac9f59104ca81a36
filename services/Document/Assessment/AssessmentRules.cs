namespace Document.Assessment;

/// <summary>One village as the assessment counts it: its pilot status and its village-years of the
/// year and the year before.</summary>
public sealed record AssessedVillage(
    string Code,
    string UnitCode,
    string? PilotStatus,
    VillageYearFigures? ThisYear,
    VillageYearFigures? LastYear
);

/// <summary>A village-year's figures from its settlement steps.</summary>
public sealed record VillageYearFigures(
    string State,
    int Members,
    int Eligible,
    int Recipients,
    decimal CreditedAmount,
    int Tiered,
    decimal TierSum,
    int Tier1000
);

/// <summary>One row of the assessment: a township (or a county, or a village) with its figures and
/// its rank.</summary>
public sealed record AssessmentRow(
    string Code,
    string Name,
    int Rank,
    int Villages,
    int PilotVillages,
    decimal Coverage,
    int SuspendedVillages,
    int Members,
    int Eligible,
    int Subsidised,
    decimal Credited,
    decimal? AverageTier,
    decimal? AverageTierLastYear,
    decimal? ShareAt1000,
    decimal? ShareAt1000LastYear
);

/// <summary>
/// 考核 (docs/design/11-beyond-paperwork.md, 实施方案 §七(二)), pure: per unit (the townships of a county,
/// the counties of a city, the villages of a township) — villages in the pilot against all
/// villages; insured members of pilot villages, eligible, subsidised; amounts credited; the average
/// own-contribution tier of pilot villages' paying members this year against the year before (where
/// that year was settled here), and the share paying at 1000 元 or more; villages suspended. Units
/// are ranked by coverage, then by members subsidised, then by code.
/// </summary>
public static class AssessmentRules
{
    public const decimal HigherTier = 1000;

    public static bool InPilot(string? status) => status is "active" or "suspended";

    public static IReadOnlyList<AssessmentRow> Rows(
        IEnumerable<AssessedVillage> villages,
        IReadOnlyDictionary<string, string> names
    ) =>
        Rank(
            villages
                .GroupBy(v => v.UnitCode)
                .Select(g => Row(g.Key, names.GetValueOrDefault(g.Key, g.Key), g.ToList()))
                .ToList()
        );

    /// <summary>The whole area's row: every village counted once.</summary>
    public static AssessmentRow Total(
        string code,
        string name,
        IEnumerable<AssessedVillage> villages
    ) => Row(code, name, villages.ToList()) with { Rank = 0 };

    private static AssessmentRow Row(
        string code,
        string name,
        IReadOnlyList<AssessedVillage> villages
    )
    {
        var pilot = villages.Where(v => InPilot(v.PilotStatus)).ToList();
        var thisYear = pilot.Select(v => v.ThisYear).OfType<VillageYearFigures>().ToList();
        var lastYear = pilot.Select(v => v.LastYear).OfType<VillageYearFigures>().ToList();
        return new AssessmentRow(
            code,
            name,
            0,
            villages.Count,
            pilot.Count,
            villages.Count == 0 ? 0 : Math.Round((decimal)pilot.Count / villages.Count, 4),
            pilot.Count(v => v.PilotStatus == "suspended"),
            thisYear.Sum(f => f.Members),
            thisYear.Sum(f => f.Eligible),
            thisYear.Sum(f => f.Recipients),
            thisYear.Sum(f => f.CreditedAmount),
            Average(thisYear),
            Average(lastYear),
            Share(thisYear),
            Share(lastYear)
        );
    }

    private static decimal? Average(IReadOnlyList<VillageYearFigures> figures) =>
        figures.Sum(f => f.Tiered) is > 0 and var tiered
            ? Math.Round(figures.Sum(f => f.TierSum) / tiered, 2)
            : null;

    private static decimal? Share(IReadOnlyList<VillageYearFigures> figures) =>
        figures.Sum(f => f.Tiered) is > 0 and var tiered
            ? Math.Round((decimal)figures.Sum(f => f.Tier1000) / tiered, 4)
            : null;

    private static IReadOnlyList<AssessmentRow> Rank(IReadOnlyList<AssessmentRow> rows) =>
        rows.OrderByDescending(r => r.Coverage)
            .ThenByDescending(r => r.Subsidised)
            .ThenBy(r => r.Code, StringComparer.Ordinal)
            .Select((r, i) => r with { Rank = i + 1 })
            .ToList();
}
