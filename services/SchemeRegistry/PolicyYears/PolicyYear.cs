using Subsidy.Contracts;

namespace SchemeRegistry.PolicyYears;

/// <summary>
/// 年度政策参数 for a region (a province default, or a county override) and year. Tiers are data: nothing
/// in code knows Jiangxi's numbers except the seed.
/// </summary>
public sealed record PolicyYear(
    string RegionCode,
    int Year,
    decimal[] Tiers,
    decimal SpecialTier,
    DateOnly ContributionDeadline,
    DateOnly ExportDeadline,
    int NoticeDays,
    long Version
)
{
    /// <summary>No person's collective subsidy may exceed the year's highest individual
    /// tier.</summary>
    public decimal Cap => Tiers.Max();

    public bool IsTier(decimal amount) => Tiers.Contains(amount);

    public PolicyYearChanged ToEvent() =>
        new(
            RegionCode,
            Year,
            Tiers,
            SpecialTier,
            ContributionDeadline,
            ExportDeadline,
            NoticeDays,
            Cap,
            Version
        );
}

public sealed record PolicyYearInput(
    decimal[]? Tiers,
    decimal? SpecialTier,
    DateOnly? ContributionDeadline,
    DateOnly? ExportDeadline,
    int? NoticeDays
);

public static class PolicyYearRules
{
    public const int MaxNoticeDays = 30;

    /// <summary>Fills the usual dates (30 Sept, 31 Oct, 7 days) where the input leaves them
    /// out.</summary>
    public static PolicyYearInput WithDefaults(PolicyYearInput input, int year) =>
        input with
        {
            ContributionDeadline = input.ContributionDeadline ?? new DateOnly(year, 9, 30),
            ExportDeadline = input.ExportDeadline ?? new DateOnly(year, 10, 31),
            NoticeDays = input.NoticeDays ?? 7,
        };

    public static List<(string Field, string Message)> Validate(
        string regionCode,
        int year,
        PolicyYearInput input
    )
    {
        var errors = new List<(string, string)>();
        var level = DivisionCode.LevelOf(regionCode);
        if (level is not (DivisionLevel.Province or DivisionLevel.County))
        {
            errors.Add(
                (
                    "regionCode",
                    $"政策参数只能按省（默认）或县（调整）设置，{regionCode} 不是省或县的区划代码。"
                )
            );
        }
        if (year is < 2000 or > 2100)
            errors.Add(("year", $"年度 {year} 无效。"));

        if (input.Tiers is not { Length: > 0 } tiers)
        {
            errors.Add(("tiers", "缴费档次不能为空。"));
        }
        else
        {
            for (var i = 0; i < tiers.Length; i++)
            {
                if (tiers[i] <= 0)
                    errors.Add(("tiers", $"第{i + 1}个缴费档次 {tiers[i]} 须为正数。"));
                if (decimal.Round(tiers[i], 2) != tiers[i])
                    errors.Add(("tiers", $"第{i + 1}个缴费档次 {tiers[i]} 最多两位小数。"));
                if (i > 0 && tiers[i] <= tiers[i - 1])
                    errors.Add(
                        (
                            "tiers",
                            $"缴费档次须严格递增：第{i + 1}个档次 {tiers[i]} 不大于前一档 {tiers[i - 1]}。"
                        )
                    );
            }
        }
        if (input.SpecialTier is not { } special || special <= 0)
            errors.Add(("specialTier", "特殊群体代缴档次须为正数。"));
        else if (input.Tiers is { Length: > 0 } && special >= input.Tiers.Min())
            errors.Add(
                (
                    "specialTier",
                    $"特殊群体代缴档次 {special} 须低于最低缴费档次 {input.Tiers.Min()}。"
                )
            );

        CheckInYear(
            errors,
            "contributionDeadline",
            "集体补助缴费截止日",
            input.ContributionDeadline,
            year
        );
        CheckInYear(errors, "exportDeadline", "缴费明细导出截止日", input.ExportDeadline, year);
        if (
            input.ContributionDeadline is { } contribution
            && input.ExportDeadline is { } export
            && export < contribution
        )
        {
            errors.Add(
                (
                    "exportDeadline",
                    $"导出截止日 {export:yyyy-MM-dd} 不能早于缴费截止日 {contribution:yyyy-MM-dd}。"
                )
            );
        }
        if (input.NoticeDays is not { } days || days < 1 || days > MaxNoticeDays)
        {
            errors.Add(("noticeDays", $"公示天数须在1至{MaxNoticeDays}天之间。"));
        }
        return errors;
    }

    private static void CheckInYear(
        List<(string, string)> errors,
        string field,
        string label,
        DateOnly? date,
        int year
    )
    {
        if (date is null)
            errors.Add((field, $"{label}不能为空。"));
        else if (date.Value.Year != year)
            errors.Add((field, $"{label} {date:yyyy-MM-dd} 须在 {year} 年内。"));
    }
}
