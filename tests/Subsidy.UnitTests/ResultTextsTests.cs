using Calculation.Apis;
using Calculation.Rules;

namespace Subsidy.UnitTests;

public class ResultTextsTests
{
    [Fact]
    public void An_excluded_member_is_told_why() =>
        Assert.Equal("不予补助：缴费晚于截止日期。", ResultTexts.Explain("PaidAfterDeadline", null, null, 0, 0, "None", null));

    [Fact]
    public void An_eligible_member_sees_tier_floor_incentive_flags_and_adjustment() =>
        Assert.Equal("缴费档次 500 元；特殊群体（低保对象）托底 200.00 元；激励补助 99.99 元；资金不足，按比例补助；经异议采纳调整为 320.00 元。",
            ResultTexts.Explain(null, 500m, "Dibao", 200m, 99.99m, "BudgetProrated", 320m));

    private static ResultView Result(string id, string? exclusion, string? group, decimal? tier, decimal amount, string flags = "None", decimal? adjusted = null) =>
        new(id, "某", exclusion, 0, tier, group, 0, 0, 0, 0, adjusted is null ? amount : 0, adjusted, amount, flags, null);

    [Fact]
    public void Totals_by_category_count_members_and_amounts()
    {
        var totals = ResultCategories.Of([
            Result("1", null, "Dibao", 500m, 300m),
            Result("2", null, null, 500m, 100m, "TierMismatch"),
            Result("3", null, null, 1000m, 250m, "BudgetProrated", adjusted: 250m),
            Result("4", "NoContribution", null, null, 0m),
            Result("5", "NoContribution", "Dibao", null, 0m),
        ]);
        CategoryTotal Find(string category, string code) => totals.Single(t => t.Category == category && t.Code == code);
        Assert.Equal((3, 650m), (Find("eligibility", "eligible").Members, Find("eligibility", "eligible").Amount));
        Assert.Equal(2, Find("exclusion", "NoContribution").Members);
        Assert.Equal((1, 300m), (Find("group", "Dibao").Members, Find("group", "Dibao").Amount));
        Assert.Equal((2, 350m), (Find("group", "none").Members, Find("group", "none").Amount));
        Assert.Equal((2, 400m), (Find("tier", "500").Members, Find("tier", "500").Amount));
        Assert.Equal(1, Find("flag", "TierMismatch").Members);
        Assert.Equal((1, 250m), (Find("adjustment", "ObjectionUpheld").Members, Find("adjustment", "ObjectionUpheld").Amount));
        Assert.DoesNotContain(totals, t => t.Code == "LumpSumBackPayment");
    }
}
