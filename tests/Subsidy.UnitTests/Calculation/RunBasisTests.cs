using Calculation.Apis;
using Calculation.Settlement;

namespace Subsidy.UnitTests.Calculation;

public class RunBasisTests
{
    private static RunInputsView Inputs(
        IReadOnlyList<Guid>? lumpSums = null,
        Guid? roster = null,
        decimal? cap = 6000m
    ) =>
        new(
            Guid.NewGuid(),
            lumpSums ?? [],
            roster,
            Guid.NewGuid(),
            3,
            "360000000000",
            2026,
            2,
            172200m,
            cap
        );

    [Fact]
    public void A_run_is_described_in_words_without_ids_or_codes()
    {
        var basis = RunBasis.Describe(Inputs(roster: Guid.NewGuid()));
        Assert.Equal(
            [
                ("缴费明细", "县社保中心导出的本年度缴费明细"),
                ("成员名册", "村上传的集体经济组织成员名册"),
                ("补助方案", "本村 2026 年度方案（第 3 版）"),
                ("政策参数", "省级 2026 年度政策参数（第 2 版）"),
                ("补助资金预算", "172,200.00 元"),
                ("人均补助上限", "6,000.00 元"),
            ],
            basis.Select(b => (b.Label, b.Value))
        );
    }

    [Fact]
    public void Back_payments_from_other_exports_and_a_missing_roster_or_cap_are_said_so()
    {
        var basis = RunBasis
            .Describe(Inputs([Guid.NewGuid(), Guid.NewGuid()], cap: null))
            .ToDictionary(b => b.Label, b => b.Value);
        Assert.Equal(
            "县社保中心导出的本年度缴费明细，另计入 2 批导出中的一次性补缴记录",
            basis["缴费明细"]
        );
        Assert.Equal("未使用成员名册", basis["成员名册"]);
        Assert.Equal("不设上限", basis["人均补助上限"]);
    }
}
