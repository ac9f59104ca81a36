using Calculation.Settlement;

namespace Subsidy.UnitTests.Calculation;

public class ObjectionRulesTests
{
    private static readonly DateOnly Start = new(2026, 10, 1);
    private static readonly DateOnly End = new(2026, 10, 7);

    private static IReadOnlyList<string> Fields(
        IEnumerable<(string Field, string Message)> errors
    ) => errors.Select(e => e.Field).ToList();

    [Theory]
    [InlineData(2026, 10, 1)]
    [InlineData(2026, 10, 7)]
    public void An_objection_is_filed_on_any_day_of_the_notice(int y, int m, int d) =>
        Assert.Empty(
            ObjectionRules.WhyCannotFile(
                new DateOnly(y, m, d),
                Start,
                End,
                isListed: true,
                "补助金额有误"
            )
        );

    [Theory]
    [InlineData(2026, 9, 30)]
    [InlineData(2026, 10, 8)]
    public void An_objection_outside_the_notice_is_refused(int y, int m, int d) =>
        Assert.Equal(
            ["filedOn"],
            Fields(
                ObjectionRules.WhyCannotFile(
                    new DateOnly(y, m, d),
                    Start,
                    End,
                    true,
                    "补助金额有误"
                )
            )
        );

    [Fact]
    public void An_objection_names_a_listed_member_and_says_what_is_wrong() =>
        Assert.Equal(
            ["idNumber", "complaint"],
            Fields(ObjectionRules.WhyCannotFile(Start, Start, End, isListed: false, " "))
        );

    [Fact]
    public void An_adjusted_amount_within_cap_and_budget_is_upheld() =>
        Assert.Empty(
            ObjectionRules.WhyCannotUphold(
                300m,
                "漏算托底补助",
                cap: 5000m,
                budget: 1000m,
                villageTotal: 800m,
                memberCurrent: 100m
            )
        );

    [Fact]
    public void An_adjusted_amount_above_the_cap_is_refused() =>
        Assert.Contains(
            "上限",
            Assert
                .Single(ObjectionRules.WhyCannotUphold(5000.01m, "理由", 5000m, 100000m, 0m, 0m))
                .Message
        );

    [Fact]
    public void An_adjustment_that_takes_the_village_over_its_budget_is_refused_and_says_how_much_is_left()
    {
        // Others already get 800 − 100 = 700 of a budget of 1,000: at most 300 is left for this
        // member.
        var error = Assert.Single(
            ObjectionRules.WhyCannotUphold(300.01m, "理由", 5000m, 1000m, 800m, 100m)
        );
        Assert.Equal("amount", error.Field);
        Assert.Contains("最多可调整为 300.00 元", error.Message);
        Assert.Empty(ObjectionRules.WhyCannotUphold(300m, "理由", 5000m, 1000m, 800m, 100m));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1.005)]
    public void A_negative_or_sub_fen_amount_is_refused(double amount) =>
        Assert.Equal(
            ["amount"],
            Fields(ObjectionRules.WhyCannotUphold((decimal)amount, "理由", 5000m, 1000m, 0m, 0m))
        );

    [Fact]
    public void Upholding_needs_an_amount_and_a_reason() =>
        Assert.Equal(
            ["reason", "amount"],
            Fields(ObjectionRules.WhyCannotUphold(null, "", 5000m, 1000m, 0m, 0m))
        );

    [Fact]
    public void Dismissing_needs_a_reason() =>
        Assert.Equal(["reason"], Fields(ObjectionRules.WhyCannotDismiss(null)));

    [Theory]
    [InlineData(ObjectionRules.Upheld)]
    [InlineData(ObjectionRules.Dismissed)]
    [InlineData(ObjectionRules.Void)]
    public void A_resolved_objection_cannot_be_resolved_again(string state) =>
        Assert.NotNull(ObjectionRules.WhyNotOpen(state));
}

public class PaymentRulesTests
{
    [Fact]
    public void Payment_notices_are_numbered_by_county_year_and_sequence() =>
        Assert.Equal("360222-2026-0042", PaymentRules.NoticeNumber("360222", 2026, 42));

    [Fact]
    public void The_collective_has_thirty_days_to_pay() =>
        Assert.Equal(new DateOnly(2026, 12, 1), PaymentRules.DueOn(new DateOnly(2026, 11, 1)));

    [Fact]
    public void No_payment_notice_for_nothing_or_for_nobody()
    {
        Assert.Contains("0元", PaymentRules.WhyCannotIssue(0m, "某村股份经济合作社"));
        Assert.Contains("集体经济组织", PaymentRules.WhyCannotIssue(100m, null));
        Assert.Null(PaymentRules.WhyCannotIssue(100m, "某村股份经济合作社"));
    }

    [Fact]
    public void A_receipt_for_the_notice_amount_matches() =>
        Assert.Empty(PaymentRules.WhyReceiptDoesNotMatch(1234.50m, "SW2026000001", 1234.50m));

    [Fact]
    public void A_receipt_for_a_different_amount_is_a_discrepancy() =>
        Assert.Contains(
            "不符",
            Assert
                .Single(PaymentRules.WhyReceiptDoesNotMatch(1234.50m, "SW2026000001", 1234.00m))
                .Message
        );

    [Fact]
    public void A_receipt_needs_its_number() =>
        Assert.Equal(
            "receiptNumber",
            Assert.Single(PaymentRules.WhyReceiptDoesNotMatch(10m, " ", 10m)).Field
        );
}
