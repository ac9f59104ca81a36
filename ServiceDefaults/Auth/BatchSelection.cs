namespace Subsidy.ServiceDefaults.Auth;

/// <summary>
/// What every batch request's selection must be (docs/design/12): at least one object, at most
/// <see cref="Max"/>, none twice. One rule for the batches of schemes, pilots and village-years,
/// worded with what each selects. Pure.
/// </summary>
public static class BatchSelection
{
    public const int Max = 500;

    /// <summary>Null when the selection may be taken; otherwise why not, naming the objects as
    /// <paramref name="noun"/> (方案, 村, 村年度).</summary>
    public static string? WhyNot<T>(IReadOnlyCollection<T> selected, string noun) =>
        selected.Count == 0 ? $"请至少选择一个{noun}。"
        : selected.Count > Max ? $"一次最多办理 {Max} 个{noun}，本次选择了 {selected.Count} 个。"
        : selected.Distinct().Count() != selected.Count ? $"所选{noun}有重复。"
        : null;
}
