using SchemeRegistry.PolicyYears;

namespace Subsidy.UnitTests.SchemeRegistry;

public class PolicyYearRulesTests
{
    private static readonly decimal[] Jiangxi = PolicyYearSeeder.JiangxiTiers;

    private static PolicyYearInput Valid(int year = 2025) =>
        PolicyYearRules.WithDefaults(new PolicyYearInput(Jiangxi, 100, null, null, null), year);

    private static List<(string Field, string Message)> Check(
        PolicyYearInput input,
        string region = "360222000000",
        int year = 2025
    ) => PolicyYearRules.Validate(region, year, input);

    [Fact]
    public void Jiangxi_defaults_are_valid_and_the_cap_is_the_highest_tier()
    {
        Assert.Empty(Check(Valid()));
        var policy = new PolicyYear(
            "360000000000",
            2025,
            Jiangxi,
            100,
            new(2025, 9, 30),
            new(2025, 10, 31),
            7,
            1
        );
        Assert.Equal(6000m, policy.Cap);
    }

    [Fact]
    public void Defaults_are_30_September_31_October_and_seven_days()
    {
        var input = Valid(2026);
        Assert.Equal(new DateOnly(2026, 9, 30), input.ContributionDeadline);
        Assert.Equal(new DateOnly(2026, 10, 31), input.ExportDeadline);
        Assert.Equal(7, input.NoticeDays);
    }

    [Fact]
    public void Tiers_must_be_positive() =>
        Assert.Contains(Check(Valid() with { Tiers = [0, 300, 400] }), e =>
            e.Field == "tiers" && e.Message.Contains("正数")
        );

    [Fact]
    public void Tiers_must_strictly_ascend() =>
        Assert.Contains(Check(Valid() with { Tiers = [300, 500, 500, 600] }), e =>
            e.Field == "tiers" && e.Message.Contains("严格递增")
        );

    [Fact]
    public void Tiers_must_not_be_empty() =>
        Assert.Contains(Check(Valid() with { Tiers = [] }), e => e.Field == "tiers");

    [Fact]
    public void Special_tier_must_be_below_the_lowest_tier() =>
        Assert.Contains(Check(Valid() with { SpecialTier = 300 }), e => e.Field == "specialTier");

    [Fact]
    public void Deadlines_must_lie_inside_the_year()
    {
        var errors = Check(
            Valid() with
            {
                ContributionDeadline = new DateOnly(2024, 9, 30),
                ExportDeadline = new DateOnly(2026, 1, 31),
            }
        );
        Assert.Contains(errors, e => e.Field == "contributionDeadline");
        Assert.Contains(errors, e => e.Field == "exportDeadline");
    }

    [Fact]
    public void Export_deadline_cannot_precede_the_contribution_deadline() =>
        Assert.Contains(Check(Valid() with { ExportDeadline = new DateOnly(2025, 9, 1) }), e =>
            e.Field == "exportDeadline" && e.Message.Contains("不能早于")
        );

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    public void Notice_length_is_between_one_and_thirty_days(int days) =>
        Assert.Contains(Check(Valid() with { NoticeDays = days }), e => e.Field == "noticeDays");

    [Theory]
    [InlineData("360222100000")]
    [InlineData("360200000000")]
    public void Parameters_are_set_per_province_or_county_only(string region) =>
        Assert.Contains(Check(Valid(), region), e => e.Field == "regionCode");

    [Fact]
    public void A_village_takes_its_county_override_else_its_province_default() =>
        Assert.Equal(
            ("360222000000", "360000000000"),
            Subsidy.Contracts.EffectivePolicyYear.RegionsOf("360222100201")
        );
}

public class EffectivePolicyYearTests
{
    private sealed record Candidate(string Region, int Marker);

    [Fact]
    public void The_countys_override_wins_over_the_provinces_default_in_any_order()
    {
        Candidate province = new("360000000000", 1),
            county = new("360222000000", 2);
        Assert.Equal(
            county,
            Subsidy.Contracts.EffectivePolicyYear.Pick(
                [province, county],
                c => c.Region,
                "360222100201"
            )
        );
        Assert.Equal(
            county,
            Subsidy.Contracts.EffectivePolicyYear.Pick(
                [county, province],
                c => c.Region,
                "360222100201"
            )
        );
    }

    [Fact]
    public void Without_an_override_the_province_applies_and_another_countys_override_does_not()
    {
        Candidate province = new("360000000000", 1),
            other = new("360281000000", 3);
        Assert.Equal(
            province,
            Subsidy.Contracts.EffectivePolicyYear.Pick(
                [other, province],
                c => c.Region,
                "360222100201"
            )
        );
        Assert.Null(
            Subsidy.Contracts.EffectivePolicyYear.Pick([other], c => c.Region, "360222100201")
        );
    }
}
