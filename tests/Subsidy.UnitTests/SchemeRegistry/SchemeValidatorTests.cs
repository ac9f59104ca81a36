using SchemeRegistry.PolicyYears;
using SchemeRegistry.Schemes;
using Subsidy.Contracts;

namespace Subsidy.UnitTests.SchemeRegistry;

public class SchemeValidatorTests
{
    private static readonly DateOnly Today = new(2026, 11, 1);
    private static readonly PolicyYear Policy = new(
        "360000000000",
        2027,
        PolicyYearSeeder.JiangxiTiers,
        100,
        new(2027, 9, 30),
        new(2027, 10, 31),
        7,
        1
    );

    public static SchemeTermsInput ValidInput() =>
        new(
            "roster",
            "sum",
            [new FloorInput("dibao", 200), new FloorInput("特困人员", 300)],
            [
                new IncentiveInput(500, 100),
                new IncentiveInput(1000, 300),
                new IncentiveInput(6000, 1000),
            ],
            50000,
            [
                new DonationInput("张三", "individual", 10000, "collective"),
                new DonationInput("某公司", "organisation", 5000, "direct"),
            ],
            new ProcedureRecord(
                new(2026, 10, 1),
                new(2026, 10, 5),
                new(2026, 10, 10),
                new(2026, 10, 15),
                new(2026, 10, 20)
            ),
            "浮梁镇红星村股份经济合作社",
            "N2360222MF0000000K"
        );

    private static SchemeValidator.Result Check(
        SchemeTermsInput input,
        bool forSubmission = true
    ) => SchemeValidator.Validate(input, Policy, 2027, forSubmission, Today);

    private static void AssertError(
        SchemeTermsInput input,
        string field,
        string fragment,
        bool forSubmission = true
    )
    {
        var result = Check(input, forSubmission);
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Field == field && e.Message.Contains(fragment));
    }

    [Fact]
    public void A_complete_scheme_is_valid_and_budgets_only_collective_money()
    {
        var result = Check(ValidInput());
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(60000m, result.Terms!.Budget); // 50000 income + 10000 managed; the 5000 direct gift is recorded only
        Assert.Equal(2, result.Terms.Donations.Count);
        Assert.Equal(SpecialGroup.Tekun, result.Terms.Floors[1].Group);
    }

    [Fact]
    public void Without_a_policy_year_nothing_can_be_checked() =>
        Assert.Contains(
            SchemeValidator.Validate(ValidInput(), null, 2027, false, Today).Errors,
            e => e.Field == "year"
        );

    [Fact]
    public void Floor_above_the_cap_is_refused() =>
        AssertError(
            ValidInput() with
            {
                Floors = [new FloorInput("dibao", 6000.01m)],
            },
            "floors[0].amount",
            "最高档次 6000"
        );

    [Fact]
    public void Negative_floor_is_refused() =>
        AssertError(
            ValidInput() with
            {
                Floors = [new FloorInput("dibao", -1)],
            },
            "floors[0].amount",
            "负数"
        );

    [Fact]
    public void Amount_with_three_decimals_is_refused() =>
        AssertError(
            ValidInput() with
            {
                Floors = [new FloorInput("dibao", 100.005m)],
            },
            "floors[0].amount",
            "两位小数"
        );

    [Fact]
    public void Unknown_special_group_is_refused() =>
        AssertError(
            ValidInput() with
            {
                Floors = [new FloorInput("军烈属", 100)],
            },
            "floors[0].group",
            "类别“军烈属”无效"
        );

    [Fact]
    public void Same_special_group_twice_is_refused() =>
        AssertError(
            ValidInput() with
            {
                Floors = [new FloorInput("dibao", 100), new FloorInput("低保对象", 200)],
            },
            "floors[1].group",
            "重复"
        );

    [Fact]
    public void Incentive_row_must_sit_on_a_real_tier() =>
        AssertError(
            ValidInput() with
            {
                Incentives = [new IncentiveInput(550, 100)],
            },
            "incentives[0].minTier",
            "不是 2027 年度的缴费档次"
        );

    [Fact]
    public void Incentive_must_stay_strictly_below_its_tier() =>
        AssertError(
            ValidInput() with
            {
                Incentives = [new IncentiveInput(300, 300)],
            },
            "incentives[0].amount",
            "不能全额代缴"
        );

    [Fact]
    public void Incentives_must_not_fall_as_the_tier_rises() =>
        AssertError(
            ValidInput() with
            {
                Incentives = [new IncentiveInput(1000, 300), new IncentiveInput(2000, 200)],
            },
            "incentives[1].amount",
            "不减少"
        );

    [Fact]
    public void Incentive_above_the_cap_is_refused() =>
        AssertError(
            ValidInput() with
            {
                Incentives = [new IncentiveInput(6000, 6500)],
            },
            "incentives[0].amount",
            "最高档次"
        );

    [Fact]
    public void Same_tier_twice_is_refused() =>
        AssertError(
            ValidInput() with
            {
                Incentives = [new IncentiveInput(500, 100), new IncentiveInput(500, 150)],
            },
            "incentives[1].minTier",
            "重复"
        );

    [Fact]
    public void Rows_given_out_of_order_are_judged_in_tier_order() =>
        Assert.True(
            Check(
                ValidInput() with
                {
                    Incentives = [new IncentiveInput(1000, 300), new IncentiveInput(500, 100)],
                }
            ).IsValid
        );

    [Fact]
    public void Unknown_stacking_rule_is_refused() =>
        AssertError(ValidInput() with { Stacking = "avg" }, "stacking", "无效");

    [Fact]
    public void Stacking_rule_is_required() =>
        AssertError(ValidInput() with { Stacking = null }, "stacking", "须选择");

    [Fact]
    public void Unknown_membership_basis_is_refused() =>
        AssertError(ValidInput() with { MembershipBasis = "everyone" }, "membershipBasis", "无效");

    [Fact]
    public void Membership_basis_defaults_to_the_roster() =>
        Assert.Equal(
            MembershipBasis.Roster,
            Check(ValidInput() with { MembershipBasis = null }).Terms!.MembershipBasis
        );

    [Fact]
    public void Budget_must_be_positive() =>
        AssertError(
            ValidInput() with
            {
                CollectiveIncome = 0,
                Donations = [new DonationInput("某公司", "organisation", 5000, "direct")],
            },
            "collectiveIncome",
            "须大于0"
        );

    [Fact]
    public void Donation_needs_donor_kind_amount_and_management()
    {
        var result = Check(
            ValidInput() with
            {
                Donations = [new DonationInput(" ", "government", 0, "bank")],
            }
        );
        Assert.Contains(result.Errors, e => e.Field == "donations[0].donor");
        Assert.Contains(result.Errors, e => e.Field == "donations[0].kind");
        Assert.Contains(result.Errors, e => e.Field == "donations[0].amount");
        Assert.Contains(result.Errors, e => e.Field == "donations[0].managedBy");
    }

    [Fact]
    public void A_scheme_must_give_something() =>
        AssertError(ValidInput() with { Floors = [], Incentives = [] }, "floors", "至少设置一项");

    [Fact]
    public void Submission_needs_every_step_of_the_democratic_procedure() =>
        AssertError(
            ValidInput() with
            {
                Procedure = ValidInput().Procedure! with { SecondDeliberationOn = null },
            },
            "procedure.secondDeliberationOn",
            "缺少党员大会审议日期"
        );

    [Fact]
    public void A_draft_may_lack_the_procedure_record() =>
        Assert.True(
            Check(
                ValidInput() with
                {
                    Procedure = null,
                    OrganisationName = null,
                    CreditCode = null,
                },
                forSubmission: false
            ).IsValid
        );

    [Fact]
    public void Procedure_steps_must_be_in_order() =>
        AssertError(
            ValidInput() with
            {
                Procedure = ValidInput().Procedure! with { ResolvedOn = new(2026, 10, 2) },
            },
            "procedure.resolvedOn",
            "早于"
        );

    [Fact]
    public void Procedure_dates_cannot_lie_in_the_future() =>
        AssertError(
            ValidInput() with
            {
                Procedure = ValidInput().Procedure! with { PublishedOn = new(2026, 12, 1) },
            },
            "procedure.publishedOn",
            "晚于今天"
        );

    [Fact]
    public void Submission_needs_the_collective_and_its_credit_code()
    {
        var result = Check(ValidInput() with { OrganisationName = null, CreditCode = null });
        Assert.Contains(result.Errors, e => e.Field == "organisationName");
        Assert.Contains(result.Errors, e => e.Field == "creditCode");
    }

    [Fact]
    public void Credit_code_with_a_wrong_check_character_is_refused() =>
        AssertError(
            ValidInput() with
            {
                CreditCode = "N2360222MF0000000X",
            },
            "creditCode",
            "校验码"
        );

    [Fact]
    public void Every_violation_is_reported_at_once()
    {
        var result = Check(
            ValidInput() with
            {
                Stacking = "avg",
                Floors = [new FloorInput("dibao", 7000)],
                Incentives = [new IncentiveInput(550, 100), new IncentiveInput(300, 300)],
                CollectiveIncome = -5,
                Procedure = null,
            }
        );
        var fields = result.Errors.Select(e => e.Field).ToHashSet();
        Assert.Superset(
            new HashSet<string>
            {
                "stacking",
                "floors[0].amount",
                "incentives[0].minTier",
                "incentives[1].amount",
                "collectiveIncome",
                "procedure.proposedOn",
                "procedure.firstDeliberationOn",
                "procedure.secondDeliberationOn",
                "procedure.resolvedOn",
                "procedure.publishedOn",
            },
            fields
        );
        Assert.All(result.Errors, e => Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", e.Message));
    }
}
