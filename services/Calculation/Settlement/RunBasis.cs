using Calculation.Apis;

namespace Calculation.Settlement;

/// <summary>One line of what a run was worked out from, as the 测算依据 tab shows it.</summary>
public sealed record BasisItem(string Label, string Value);

/// <summary>
/// What a run used (<see cref="RunInputsView"/>) in words an official reads: the ids and versions
/// it is traced by stay in <c>inputs</c> for the machines; the portal shows these lines and never
/// a batch id, a JSON object or the run's fingerprint. Pure.
/// </summary>
public static class RunBasis
{
    public static IReadOnlyList<BasisItem> Describe(RunInputsView i) =>
        [
            new(
                "缴费明细",
                i.BatchId is null ? "未使用缴费明细"
                    : i.LumpSumBatches.Count == 0 ? "县社保中心导出的本年度缴费明细"
                    : $"县社保中心导出的本年度缴费明细，另计入 {i.LumpSumBatches.Count} 批导出中的一次性补缴记录"
            ),
            new(
                "成员名册",
                i.RosterBatchId is null ? "未使用成员名册" : "村上传的集体经济组织成员名册"
            ),
            new(
                "补助方案",
                i.SchemeVersion is { } scheme
                    ? $"本村 {i.PolicyYear} 年度方案（第 {scheme} 版）"
                    : "尚无生效方案"
            ),
            new(
                "政策参数",
                i.PolicyRegion is { } region
                    ? $"{Level(region)} {i.PolicyYear} 年度政策参数（第 {i.PolicyVersion} 版）"
                    : "尚无政策参数"
            ),
            new("补助资金预算", i.Budget > 0 ? $"{i.Budget:N2} 元" : "未设预算"),
            new("人均补助上限", i.Cap is { } cap ? $"{cap:N2} 元" : "不设上限"),
        ];

    /// <summary>Whose parameters they are, by the region's code (360000000000 is a
    /// province's).</summary>
    private static string Level(string region) =>
        region.TrimEnd('0').Length switch
        {
            <= 2 => "省级",
            <= 4 => "市级",
            _ => "县级",
        };
}
