using Calculation.Rules;
using Subsidy.Contracts;

namespace Subsidy.UnitTests.Calculation;

public class SubsidyRulesTests
{
    private const int Year = 2026;
    private static readonly PolicyInput Policy = new(
        Year,
        [300, 400, 500, 600, 700, 800, 900, 1000, 1500, 2000, 3000, 4000, 5000, 6000],
        100,
        new(Year, 9, 30),
        Cap: 6000
    );
    private static readonly SchemeInput Scheme = new(
        MembershipBasis.Roster,
        StackingRule.Sum,
        [new FloorAmount(SpecialGroup.Dibao, 200), new FloorAmount(SpecialGroup.Tekun, 300)],
        [new IncentiveRow(500, 100), new IncentiveRow(1000, 300), new IncentiveRow(2000, 500)],
        Budget: 1_000_000
    );

    private static int _row;

    private static ContributionRecord Paid(
        string id,
        decimal amount,
        ContributionItem item = ContributionItem.Personal,
        PaymentType type = PaymentType.Normal,
        string on = "2026-03-15",
        string? identity = null,
        SpecialGroup? group = null,
        bool receiving = false,
        int year = Year
    ) =>
        new(
            ++_row,
            "某",
            id,
            "360222100201",
            year,
            item,
            type,
            null,
            amount,
            DateOnly.Parse(on),
            identity,
            group,
            receiving
        );

    private static MemberResult One(
        IReadOnlyList<ContributionRecord> records,
        SchemeInput? scheme = null,
        SpecialGroup? rosterGroup = null,
        IReadOnlySet<string>? others = null,
        IReadOnlySet<string>? lumpSumPayers = null
    ) =>
        SubsidyRules
            .Calculate(
                scheme ?? Scheme,
                Policy,
                [new Member("A", "甲", rosterGroup)],
                records,
                new Elsewhere(
                    others ?? new HashSet<string>(),
                    lumpSumPayers ?? new HashSet<string>()
                )
            )
            .Single();

    [Fact]
    public void Member_without_a_normal_contribution_is_excluded() =>
        Assert.Equal(
            ExclusionReason.NoContribution,
            One([
                Paid("A", 500, type: PaymentType.BackPayment),
                Paid("A", 30, ContributionItem.ProvincialSubsidy),
            ]).Exclusion
        );

    [Fact]
    public void Member_paying_after_the_deadline_is_excluded() =>
        Assert.Equal(
            ExclusionReason.PaidAfterDeadline,
            One([Paid("A", 500, on: "2026-10-01")]).Exclusion
        );

    [Fact]
    public void Payment_on_the_deadline_counts() =>
        Assert.Null(One([Paid("A", 500, on: "2026-09-30")]).Exclusion);

    [Fact]
    public void Late_records_are_ignored_when_others_came_in_time()
    {
        var result = One([Paid("A", 500), Paid("A", 500, on: "2026-10-15")]);
        Assert.Equal(500, result.OwnContribution);
        Assert.Equal(500, result.Tier);
    }

    [Fact]
    public void Lump_sum_back_payer_is_excluded() =>
        Assert.Equal(
            ExclusionReason.LumpSumBackPayment,
            One([Paid("A", 500), Paid("A", 20000, type: PaymentType.LumpSum)]).Exclusion
        );

    [Theory]
    [InlineData(2026, "2026-06-01")] // a lump sum for this year
    [InlineData(2021, "2026-06-01")] // for 2021, paid in 2026: its 缴费年度 is 2021
    [InlineData(2011, "2026-11-20")] // for 2011, paid after this year's deadline
    public void Lump_sum_back_payment_for_any_year_in_this_export_excludes(
        int paysFor,
        string paidOn
    ) =>
        Assert.Equal(
            ExclusionReason.LumpSumBackPayment,
            One([
                Paid("A", 1000),
                Paid("A", 15000, type: PaymentType.LumpSum, on: paidOn, year: paysFor),
            ]).Exclusion
        );

    [Fact]
    public void Lump_sum_back_payment_in_an_earlier_years_export_excludes() =>
        Assert.Equal(
            ExclusionReason.LumpSumBackPayment,
            One([Paid("A", 1000)], lumpSumPayers: new HashSet<string> { "A" }).Exclusion
        );

    [Fact]
    public void Ordinary_back_payments_for_earlier_years_neither_exclude_nor_count_as_this_years_contribution()
    {
        var result = One([
            Paid("A", 500),
            Paid("A", 2000, type: PaymentType.BackPayment, year: 2023),
            Paid("A", 3000, year: 2024, on: "2026-04-01"),
        ]);
        Assert.Null(result.Exclusion);
        Assert.Equal(500, result.OwnContribution);
        Assert.Equal(500, result.Tier);
    }

    [Fact]
    public void Only_an_earlier_years_normal_record_is_no_contribution_for_this_year() =>
        Assert.Equal(
            ExclusionReason.NoContribution,
            One([
                Paid("A", 500, year: 2025),
                Paid("A", 800, type: PaymentType.BackPayment, year: 2025),
            ]).Exclusion
        );

    [Fact]
    public void Paying_late_still_comes_before_the_lump_sum_in_the_order_of_reasons() =>
        Assert.Equal(
            ExclusionReason.PaidAfterDeadline,
            One(
                [
                    Paid("A", 500, on: "2026-10-02"),
                    Paid("A", 9000, type: PaymentType.LumpSum, year: 2019),
                ],
                lumpSumPayers: new HashSet<string> { "A" }
            ).Exclusion
        );

    [Fact]
    public void The_group_comes_from_this_years_records_not_an_earlier_years_back_payment() =>
        Assert.Equal(
            SpecialGroup.Dibao,
            One([
                Paid(
                    "A",
                    100,
                    ContributionItem.GovernmentOnBehalf,
                    on: "2026-02-01",
                    identity: "061",
                    group: SpecialGroup.Dibao
                ),
                Paid(
                    "A",
                    300,
                    type: PaymentType.BackPayment,
                    year: 2022,
                    on: "2026-08-01",
                    identity: "031",
                    group: SpecialGroup.Tekun
                ),
            ]).Group
        );

    [Fact]
    public void Person_drawing_benefits_is_excluded() =>
        Assert.Equal(
            ExclusionReason.ReceivingBenefits,
            One([Paid("A", 500, receiving: true)]).Exclusion
        );

    [Fact]
    public void Member_of_another_village_too_is_held() =>
        Assert.Equal(
            ExclusionReason.DuplicateMembership,
            One([Paid("A", 500)], others: new HashSet<string> { "A" }).Exclusion
        );

    [Fact]
    public void Exclusions_apply_in_their_order() =>
        Assert.Equal(
            ExclusionReason.PaidAfterDeadline,
            One(
                [
                    Paid("A", 500, on: "2026-11-01", receiving: true),
                    Paid("A", 9000, type: PaymentType.LumpSum),
                ],
                others: new HashSet<string> { "A" }
            ).Exclusion
        );

    [Theory]
    [InlineData(300, 300, false)]
    [InlineData(550, 500, true)]
    [InlineData(999.99, 900, true)]
    [InlineData(6000, 6000, false)]
    [InlineData(7000, 6000, true)]
    public void Tier_is_the_highest_not_above_the_own_contribution(
        decimal own,
        decimal tier,
        bool mismatch
    )
    {
        var result = One([Paid("A", own)]);
        Assert.Equal(tier, result.Tier);
        Assert.Equal(mismatch, result.Flags.HasFlag(ResultFlags.TierMismatch));
    }

    [Fact]
    public void Below_the_lowest_tier_a_government_paid_member_takes_the_special_tier()
    {
        var result = One([
            Paid(
                "A",
                100,
                ContributionItem.GovernmentOnBehalf,
                identity: "061",
                group: SpecialGroup.Dibao
            ),
        ]);
        Assert.Equal(100, result.Tier);
        Assert.Equal(0, result.OwnContribution);
        Assert.Equal(200, result.Subsidy); // the dibao floor; no incentive row reaches the special tier
    }

    [Fact]
    public void Below_the_lowest_tier_without_government_payment_there_is_no_tier()
    {
        var result = One([Paid("A", 200)]);
        Assert.Null(result.Tier);
        Assert.True(result.Flags.HasFlag(ResultFlags.TierMismatch));
        Assert.True(result.Flags.HasFlag(ResultFlags.BelowSchemeThreshold));
        Assert.Equal(0, result.Subsidy);
    }

    [Theory]
    [InlineData(300, 0)]
    [InlineData(500, 100)]
    [InlineData(900, 100)]
    [InlineData(1000, 300)]
    [InlineData(6000, 500)]
    public void Incentive_is_the_highest_row_at_or_below_the_tier(decimal own, decimal incentive) =>
        Assert.Equal(incentive, One([Paid("A", own)]).Incentive);

    [Fact]
    public void Group_comes_from_the_latest_paid_record_over_the_roster()
    {
        var result = One(
            [
                Paid(
                    "A",
                    100,
                    ContributionItem.GovernmentOnBehalf,
                    on: "2026-02-01",
                    identity: "061",
                    group: SpecialGroup.Dibao
                ),
                Paid("A", 500, on: "2026-05-01", identity: "031", group: SpecialGroup.Tekun),
            ],
            rosterGroup: SpecialGroup.Wubao
        );
        Assert.Equal(SpecialGroup.Tekun, result.Group);
        Assert.Equal(300, result.Floor);
    }

    [Fact]
    public void Without_an_identity_on_the_records_the_roster_group_counts() =>
        Assert.Equal(
            SpecialGroup.Wubao,
            One([Paid("A", 500)], rosterGroup: SpecialGroup.Wubao).Group
        );

    [Theory]
    [InlineData(StackingRule.Sum, 500)]
    [InlineData(StackingRule.Max, 300)]
    public void Floor_and_incentive_stack_by_the_schemes_rule(
        StackingRule stacking,
        decimal subsidy
    )
    {
        var result = One(
            [Paid("A", 2000, identity: "031", group: SpecialGroup.Tekun)],
            Scheme with
            {
                Stacking = stacking,
                Incentives = [new IncentiveRow(2000, 200)],
            }
        );
        Assert.Equal(subsidy, result.Subsidy);
        Assert.Equal(Math.Min(300, subsidy), result.FloorPart);
    }

    [Fact]
    public void Subsidy_is_capped_at_the_highest_tier()
    {
        var generous = Scheme with
        {
            Floors = [new FloorAmount(SpecialGroup.Dibao, 6000)],
            Incentives = [new IncentiveRow(6000, 5999)],
        };
        var result = One([Paid("A", 6000, identity: "061", group: SpecialGroup.Dibao)], generous);
        Assert.Equal(6000, result.Subsidy);
        Assert.Equal(6000, result.FloorPart);
        Assert.Equal(0, result.IncentivePart);
        Assert.True(result.Flags.HasFlag(ResultFlags.Capped));
    }

    [Fact]
    public void Insured_in_village_basis_takes_everyone_with_a_record()
    {
        var results = SubsidyRules.Calculate(
            Scheme with
            {
                MembershipBasis = MembershipBasis.InsuredInVillage,
            },
            Policy,
            [],
            [Paid("B", 500), Paid("A", 1000), Paid("B", 30, ContributionItem.CountySubsidy)],
            Elsewhere.Nobody
        );
        Assert.Equal(["A", "B"], results.Select(r => r.IdNumber));
        Assert.Equal([300m, 100m], results.Select(r => r.Subsidy));
    }

    [Fact]
    public void Roster_member_without_records_is_listed_as_not_contributing()
    {
        var results = SubsidyRules.Calculate(
            Scheme,
            Policy,
            [new Member("A", "甲", null), new Member("Z", "乙", null)],
            [Paid("A", 500), Paid("X", 500)],
            Elsewhere.Nobody
        );
        Assert.Equal(["A", "Z"], results.Select(r => r.IdNumber));
        Assert.Equal(ExclusionReason.NoContribution, results[1].Exclusion);
    }

    [Fact]
    public void Over_budget_incentives_are_prorated_after_floors_to_the_fen()
    {
        var results = SubsidyRules.ApplyBudget(
            [
                Result("A", floor: 300, incentive: 0),
                Result("B", floor: 0, incentive: 300),
                Result("C", floor: 200, incentive: 100),
            ],
            budget: 700
        );
        // F = 500, I = 400, B − F = 200: incentives × 200 / 400.
        Assert.Equal([300m, 150m, 250m], results.Select(r => r.Subsidy));
        Assert.False(results[0].Flags.HasFlag(ResultFlags.BudgetProrated));
        Assert.True(results[1].Flags.HasFlag(ResultFlags.BudgetProrated));
    }

    [Fact]
    public void When_floors_alone_exceed_the_budget_floors_shrink_and_incentives_vanish()
    {
        var results = SubsidyRules.ApplyBudget(
            [Result("A", 300, 100), Result("B", 200, 0), Result("C", 0, 300)],
            budget: 400
        );
        // F = 500 > B: floors × 400 / 500.
        Assert.Equal([240m, 160m, 0m], results.Select(r => r.Subsidy));
        Assert.Equal(0, results.Sum(r => r.IncentivePart));
    }

    [Fact]
    public void Prorating_rounds_down_to_the_fen_so_the_total_never_exceeds_the_budget()
    {
        var results = SubsidyRules.ApplyBudget(
            [Result("A", 0, 100), Result("B", 0, 100), Result("C", 0, 100)],
            budget: 100
        );
        Assert.Equal([33.33m, 33.33m, 33.33m], results.Select(r => r.Subsidy));
    }

    [Fact]
    public void Same_inputs_give_identical_results_whatever_their_order()
    {
        var records = Enumerable.Range(0, 50).Select(i => Paid($"P{i:00}", 300 + i * 37)).ToList();
        var members = records.Select(r => new Member(r.IdNumber, "某", null)).ToList();
        var first = SubsidyRules.Calculate(Scheme, Policy, members, records, Elsewhere.Nobody);
        var shuffled = SubsidyRules.Calculate(
            Scheme,
            Policy,
            members.AsEnumerable().Reverse().ToList(),
            records.AsEnumerable().Reverse().ToList(),
            Elsewhere.Nobody
        );
        Assert.Equal(first, shuffled);
    }

    [Fact]
    public void Properties_hold_for_many_random_villages()
    {
        var random = new Random(7220024);
        SpecialGroup?[] groups =
        [
            null,
            null,
            null,
            SpecialGroup.Dibao,
            SpecialGroup.Tekun,
            SpecialGroup.SevereDisability,
        ];
        for (var village = 0; village < 300; village++)
        {
            var scheme = Scheme with
            {
                Stacking = random.Next(2) == 0 ? StackingRule.Sum : StackingRule.Max,
                Floors =
                [
                    new FloorAmount(SpecialGroup.Dibao, random.Next(0, 7000)),
                    new FloorAmount(SpecialGroup.Tekun, random.Next(0, 500)),
                ],
                Incentives =
                [
                    new IncentiveRow(500, random.Next(0, 200)),
                    new IncentiveRow(1000, random.Next(200, 600)),
                    new IncentiveRow(3000, random.Next(600, 2999)),
                ],
                Budget = random.Next(1, 200_000) + random.Next(0, 100) / 100m,
            };
            var records = Enumerable
                .Range(0, random.Next(1, 120))
                .Select(i =>
                {
                    var group = groups[random.Next(groups.Length)];
                    return Paid(
                        $"V{village}P{i:000}",
                        Policy.Tiers[random.Next(Policy.Tiers.Count)]
                            + (random.Next(5) == 0 ? random.Next(1, 99) : 0),
                        identity: group is null ? "011" : "061",
                        group: group
                    );
                })
                .ToList();
            var members = records.Select(r => new Member(r.IdNumber, "某", null)).ToList();
            var results = SubsidyRules.Calculate(
                scheme,
                Policy,
                members,
                records,
                Elsewhere.Nobody
            );

            Assert.True(
                results.Sum(r => r.Subsidy) <= scheme.Budget,
                "a total never exceeds the budget"
            );
            Assert.All(results, r =>
                Assert.True(r.Subsidy <= Policy.Cap && r.Subsidy >= 0, "no amount above the cap")
            );
            Assert.All(results, r => Assert.Equal(decimal.Round(r.Subsidy, 2), r.Subsidy));
            var ordinary = results
                .Where(r => r.Group is null && r.Exclusion is null)
                .OrderBy(r => r.OwnContribution)
                .ToList();
            for (var i = 1; i < ordinary.Count; i++)
            {
                Assert.True(
                    ordinary[i].Incentive >= ordinary[i - 1].Incentive,
                    "a higher own contribution never gets a smaller incentive"
                );
                Assert.True(
                    ordinary[i].IncentivePart >= ordinary[i - 1].IncentivePart,
                    "nor a smaller incentive after prorating"
                );
            }
        }
    }

    private static MemberResult Result(string id, decimal floor, decimal incentive) =>
        new(id, "某", null, 0, null, null, floor, incentive, floor, incentive, ResultFlags.None);
}
