using System.Text.Json;

namespace Calculation.Rules;

/// <summary>
/// The reason and flag codes exactly as docs/design/04-calculation.md writes them
/// (<c>PAID_AFTER_DEADLINE</c>, <c>BUDGET_PRORATED</c>): the one spelling of the API, the events,
/// the exports and the stored results. Flags travel as a list of codes.
/// </summary>
public static class ResultCodes
{
    public static readonly IReadOnlyList<ExclusionReason> Exclusions =
        Enum.GetValues<ExclusionReason>();

    /// <summary>Every flag on its own, in the order they are listed.</summary>
    public static readonly IReadOnlyList<ResultFlags> Flags = Enum.GetValues<ResultFlags>()
        .Where(f => f != ResultFlags.None)
        .ToList();

    private static readonly Dictionary<string, ExclusionReason> ExclusionByCode =
        Exclusions.ToDictionary(Of);
    private static readonly Dictionary<string, ResultFlags> FlagByCode = Flags.ToDictionary(Of);

    public static string Of(ExclusionReason reason) =>
        JsonNamingPolicy.SnakeCaseUpper.ConvertName(reason.ToString());

    public static string Of(ResultFlags singleFlag) =>
        JsonNamingPolicy.SnakeCaseUpper.ConvertName(singleFlag.ToString());

    public static IReadOnlyList<string> ListOf(ResultFlags flags) =>
        Flags.Where(f => flags.HasFlag(f)).Select(Of).ToList();

    public static ExclusionReason? ExclusionOf(string? code) =>
        code is null ? null
        : ExclusionByCode.TryGetValue(code, out var reason) ? reason
        : throw new ArgumentException($"unknown exclusion code {code}", nameof(code));

    public static ResultFlags FlagsOf(IEnumerable<string> codes) =>
        codes.Aggregate(ResultFlags.None, (flags, code) =>
            flags
            | (
                FlagByCode.TryGetValue(code, out var flag)
                    ? flag
                    : throw new ArgumentException($"unknown flag code {code}", nameof(codes))
            )
        );

    public static bool IsExclusion(string code) => ExclusionByCode.ContainsKey(code);

    public static bool IsFlag(string code) => FlagByCode.ContainsKey(code);

    /// <summary>The Chinese name of a reason or flag code, for filters and totals.</summary>
    public static string NameOf(string code) =>
        ExclusionByCode.TryGetValue(code, out var reason) ? ResultTexts.Exclusion(reason)
        : FlagByCode.TryGetValue(code, out var flag) ? ResultTexts.Flag(flag)
        : code;
}
