using Calculation.Apis;
using Calculation.Rules;

namespace Subsidy.UnitTests.Calculation;

public class ResultTextsTests
{
    [Fact]
    public void An_excluded_member_is_told_why() =>
        Assert.Equal(
            "不予补助：缴费晚于截止日期。",
            ResultTexts.Explain("PAID_AFTER_DEADLINE", null, null, 0, 0, [], null)
        );

    [Fact]
    public void An_eligible_member_sees_tier_floor_incentive_flags_and_adjustment() =>
        Assert.Equal(
            "缴费档次 500 元；特殊群体（低保对象）托底 200.00 元；激励补助 99.99 元；资金不足，按比例补助；经异议采纳调整为 320.00 元。",
            ResultTexts.Explain(null, 500m, "dibao", 200m, 99.99m, ["BUDGET_PRORATED"], 320m)
        );

    private static ResultView Result(
        string id,
        string? exclusion,
        string? group,
        decimal? tier,
        decimal amount,
        string[]? flags = null,
        decimal? adjusted = null
    ) =>
        new(
            id,
            id,
            "某",
            exclusion,
            0,
            tier,
            group,
            0,
            0,
            0,
            0,
            adjusted is null ? amount : 0,
            adjusted,
            amount,
            flags ?? [],
            null
        );

    [Fact]
    public void Totals_by_category_count_members_and_amounts()
    {
        var totals = ResultCategories.Of([
            Result("1", null, "dibao", 500m, 300m),
            Result("2", null, null, 500m, 100m, ["TIER_MISMATCH"]),
            Result("3", null, null, 1000m, 250m, ["BUDGET_PRORATED"], adjusted: 250m),
            Result("4", "NO_CONTRIBUTION", null, null, 0m),
            Result("5", "NO_CONTRIBUTION", "dibao", null, 0m),
        ]);
        CategoryTotal Find(string category, string code) =>
            totals.Single(t => t.Category == category && t.Code == code);
        Assert.Equal(
            (3, 650m),
            (Find("eligibility", "eligible").Members, Find("eligibility", "eligible").Amount)
        );
        Assert.Equal(2, Find("exclusion", "NO_CONTRIBUTION").Members);
        Assert.Equal((1, 300m), (Find("group", "dibao").Members, Find("group", "dibao").Amount));
        Assert.Equal((2, 350m), (Find("group", "none").Members, Find("group", "none").Amount));
        Assert.Equal((2, 400m), (Find("tier", "500").Members, Find("tier", "500").Amount));
        Assert.Equal(1, Find("flag", "TIER_MISMATCH").Members);
        Assert.Equal(
            (1, 250m),
            (
                Find("adjustment", "OBJECTION_UPHELD").Members,
                Find("adjustment", "OBJECTION_UPHELD").Amount
            )
        );
        Assert.DoesNotContain(totals, t => t.Code == "LUMP_SUM_BACK_PAYMENT");
    }
}

public class ResultCodesTests
{
    [Theory]
    [InlineData(ExclusionReason.NoContribution, "NO_CONTRIBUTION")]
    [InlineData(ExclusionReason.PaidAfterDeadline, "PAID_AFTER_DEADLINE")]
    [InlineData(ExclusionReason.LumpSumBackPayment, "LUMP_SUM_BACK_PAYMENT")]
    [InlineData(ExclusionReason.ReceivingBenefits, "RECEIVING_BENEFITS")]
    [InlineData(ExclusionReason.DuplicateMembership, "DUPLICATE_MEMBERSHIP")]
    public void Reasons_are_spelt_as_the_design_writes_them(ExclusionReason reason, string code)
    {
        Assert.Equal(code, ResultCodes.Of(reason));
        Assert.Equal(reason, ResultCodes.ExclusionOf(code));
    }

    [Fact]
    public void Flags_are_a_list_of_codes_in_a_fixed_order_and_come_back_the_same()
    {
        var flags =
            ResultFlags.BudgetProrated
            | ResultFlags.TierMismatch
            | ResultFlags.BelowSchemeThreshold
            | ResultFlags.Capped;
        Assert.Equal(
            ["TIER_MISMATCH", "CAPPED", "BELOW_SCHEME_THRESHOLD", "BUDGET_PRORATED"],
            ResultCodes.ListOf(flags)
        );
        Assert.Equal(flags, ResultCodes.FlagsOf(ResultCodes.ListOf(flags)));
        Assert.Empty(ResultCodes.ListOf(ResultFlags.None));
    }

    [Fact]
    public void An_unknown_code_is_refused_not_read_as_nothing()
    {
        Assert.Throws<ArgumentException>(() => ResultCodes.ExclusionOf("PaidAfterDeadline"));
        Assert.Throws<ArgumentException>(() => ResultCodes.FlagsOf(["None"]));
    }

    [Fact]
    public void Special_groups_share_the_scheme_apis_codes()
    {
        Assert.Equal(
            ["dibao", "tekun", "severe-disability", "wubao", "poverty-monitoring"],
            Subsidy.Contracts.SpecialGroups.All.Select(Subsidy.Contracts.SpecialGroups.Code)
        );
        Assert.All(Subsidy.Contracts.SpecialGroups.All, g =>
            Assert.Equal(
                g,
                global::SchemeRegistry.Schemes.Codes.Groups[Subsidy.Contracts.SpecialGroups.Code(g)]
            )
        );
    }
}
