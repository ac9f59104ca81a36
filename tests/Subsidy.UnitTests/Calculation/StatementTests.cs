using Calculation.Rules;
using Calculation.Statements;
using Document.Rendering;
using Subsidy.Contracts;
using UglyToad.PdfPig;

namespace Subsidy.UnitTests.Calculation;

public class StatementTests
{
    private static readonly decimal[] Tiers =
    [
        300,
        400,
        500,
        600,
        700,
        800,
        900,
        1000,
        1500,
        2000,
        3000,
        4000,
        5000,
        6000,
    ];
    private static readonly PolicyInput Policy = new(
        2026,
        Tiers,
        100,
        new DateOnly(2026, 9, 30),
        6000
    );
    private static readonly SchemeInput Scheme = new(
        MembershipBasis.Roster,
        StackingRule.Sum,
        [new FloorAmount(SpecialGroup.Dibao, 200)],
        [new IncentiveRow(500, 100), new IncentiveRow(1000, 300), new IncentiveRow(3000, 500)],
        60000
    );
    private const string Person = "360222198001011234"; // born 1980: turns 60 in 2040, last subsidy year 2039

    static StatementTests() => PdfFonts.Use();

    internal static StatementInputs Inputs(
        SpecialGroup? group = null,
        decimal? chosen = 500,
        IReadOnlyList<CreditedYear>? credited = null,
        ExclusionReason? exclusion = null,
        SchemeInput? scheme = null
    ) =>
        new(
            scheme ?? Scheme,
            Policy,
            "360222106211",
            2026,
            "张小三",
            Person,
            group,
            exclusion,
            chosen,
            100,
            false,
            credited ?? []
        );

    [Theory]
    [InlineData(StackingRule.Sum, null)]
    [InlineData(StackingRule.Sum, SpecialGroup.Dibao)]
    [InlineData(StackingRule.Max, SpecialGroup.Dibao)]
    public void Every_tiers_amount_is_the_rules_modules(StackingRule stacking, SpecialGroup? group)
    {
        var scheme = Scheme with { Stacking = stacking };
        var statement = StatementRules.Compose(Inputs(group, scheme: scheme));
        Assert.Equal(Tiers, statement.Tiers.Select(t => t.Tier));
        foreach (var tier in statement.Tiers)
        {
            var rule = SubsidyRules.AtTier(scheme, Policy, group, tier.Tier);
            Assert.Equal(
                (rule.FloorPart, rule.IncentivePart, rule.Subsidy, tier.Tier),
                (tier.FloorPart, tier.IncentivePart, tier.Subsidy, tier.OwnPayment)
            );
            // And the member's own calculation at that tier agrees with it.
            var paid = new ContributionRecord(
                1,
                "张小三",
                Person,
                "360222106211",
                2026,
                ContributionItem.Personal,
                PaymentType.Normal,
                tier.Tier,
                tier.Tier,
                new DateOnly(2026, 3, 1),
                group is null ? null : "061",
                group,
                false
            );
            Assert.Equal(
                tier.Subsidy,
                SubsidyRules
                    .ForMember(
                        new Member(Person, "张小三", group),
                        [paid],
                        scheme,
                        Policy,
                        Elsewhere.Nobody
                    )
                    .Subsidy
            );
        }
    }

    [Fact]
    public void The_next_tier_up_is_the_first_that_raises_the_subsidy()
    {
        var statement = StatementRules.Compose(Inputs(chosen: 500)); // 500 → 100; 600–900 still 100; 1000 → 300
        Assert.Equal((1000m, 300m), (statement.NextTier, statement.NextTierSubsidy));
        Assert.Null(StatementRules.Compose(Inputs(chosen: 6000)).NextTier);
    }

    [Fact]
    public void Credited_years_add_up_and_divide_by_139()
    {
        var statement = StatementRules.Compose(
            Inputs(
                credited:
                [
                    new CreditedYear(2024, "360222106211", 100),
                    new CreditedYear(2025, "360222106211", 300),
                ]
            )
        );
        Assert.Equal(400m, statement.CreditedTotal);
        Assert.Equal(Math.Round(400m / 139, 2), statement.MonthlyFromCredited);
        Assert.Equal(139, statement.MonthsDivisor);
        Assert.Contains("÷ 139", statement.Formula);
    }

    [Fact]
    public void Continuing_at_a_tier_until_60_counts_every_year_left_this_year_included_until_it_is_credited()
    {
        Assert.Equal(
            14,
            StatementRules.ContributionYearsLeft(Person, 2026, creditedThisYear: false)
        ); // 2026 … 2039
        Assert.Equal(
            13,
            StatementRules.ContributionYearsLeft(Person, 2026, creditedThisYear: true)
        );
        Assert.Equal(
            0,
            StatementRules.ContributionYearsLeft(
                "360222195001011234"[..17] + IdNumber.CheckCharacter("36022219500101123"),
                2026,
                false
            )
        );
        var statement = StatementRules.Compose(
            Inputs(credited: [new CreditedYear(2025, "360222106211", 300)])
        );
        var at1000 = statement.Tiers.Single(t => t.Tier == 1000);
        Assert.Equal(300m + 14 * 300m, at1000.AccountAt60);
        Assert.Equal(Math.Round((300m + 14 * 300m) / 139, 2), at1000.MonthlyAt60);
    }

    [Fact]
    public void An_excluded_resident_is_told_why()
    {
        var statement = StatementRules.Compose(
            Inputs(exclusion: ExclusionReason.LumpSumBackPayment)
        );
        Assert.False(statement.Eligible);
        Assert.Equal(
            ("LUMP_SUM_BACK_PAYMENT", "一次性补缴人员"),
            (statement.Exclusion, statement.ExclusionName)
        );
    }

    [Fact]
    public void This_year_reads_as_what_the_resident_paid_and_why_it_brings_no_subsidy_when_excluded()
    {
        Assert.Equal(
            "本年个人缴费 300.00 元，不享受集体补助（一次性补缴人员）。",
            StatementRules.ThisYear(
                Inputs(chosen: null, exclusion: ExclusionReason.LumpSumBackPayment) with
                {
                    OwnPayment = 300m,
                }
            )
        );
        Assert.Equal(
            "本年未缴费，不享受集体补助（本年度未缴费）。",
            StatementRules.ThisYear(Inputs(chosen: null, exclusion: ExclusionReason.NoContribution))
        );
        Assert.Equal(
            "本年按 500 元档缴费，集体补助 100.00 元（含低保对象托底补助）。",
            StatementRules.ThisYear(Inputs(SpecialGroup.Dibao) with { OwnPayment = 500m })
        );
    }

    [Fact]
    public void The_printed_statement_names_the_resident_masks_the_id_number_and_prints_the_formula()
    {
        var statement = StatementRules.Compose(
            Inputs(SpecialGroup.Dibao, credited: [new CreditedYear(2025, "360222106211", 300)])
        );
        var pdf = StatementDocument.Pdf(statement, "礼芳村", "蛟潭镇");
        Assert.Equal(pdf, StatementDocument.Pdf(statement, "礼芳村", "蛟潭镇")); // the same statement, the same bytes
        using var document = PdfDocument.Open(pdf);
        Assert.Equal(1, document.NumberOfPages);
        var text = string.Concat(
            document.GetPages().Select(p => string.Concat(p.Letters.Select(l => l.Value)))
        );
        Assert.Contains("城乡居民基本养老保险集体补助告知书", text);
        Assert.Contains("张小三", text);
        Assert.Contains("360222********1234", text);
        Assert.DoesNotContain(Person, text);
        Assert.Contains("÷139", text.Replace(" ", ""));
        Assert.Contains("若提高到1000元档", text.Replace(" ", ""));
        Assert.Contains("2025年300.00元", text.Replace(" ", ""));
    }
}
