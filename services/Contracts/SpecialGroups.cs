namespace Subsidy.Contracts;

/// <summary>Special groups (特殊群体) that a scheme may give a floor subsidy
/// (docs/design/01-purpose-and-reference-data.md).</summary>
public enum SpecialGroup
{
    /// <summary>低保对象</summary>
    Dibao = 1,

    /// <summary>特困人员</summary>
    Tekun = 2,

    /// <summary>重度残疾人</summary>
    SevereDisability = 3,

    /// <summary>五保户</summary>
    Wubao = 4,

    /// <summary>脱贫/防止返贫监测对象</summary>
    PovertyMonitoring = 5,
}

public static class SpecialGroups
{
    public static readonly IReadOnlyList<SpecialGroup> All = Enum.GetValues<SpecialGroup>();

    /// <summary>
    /// The one spelling of a group in the APIs, events, exports and stored results: kebab-case, as
    /// every enumeration of the APIs ("dibao", "severe-disability", "poverty-monitoring").
    /// </summary>
    public static string Code(SpecialGroup group) => EnumCodes.Of(group);

    public static SpecialGroup? FromCode(string? code) =>
        code is null ? null : All.Single(g => Code(g) == code);

    public static bool TryFromCode(string? code, out SpecialGroup group)
    {
        foreach (var candidate in All)
        {
            if (Code(candidate) == code)
            {
                group = candidate;
                return true;
            }
        }
        group = default;
        return false;
    }

    public static string ChineseName(SpecialGroup group) =>
        group switch
        {
            SpecialGroup.Dibao => "低保对象",
            SpecialGroup.Tekun => "特困人员",
            SpecialGroup.SevereDisability => "重度残疾人",
            SpecialGroup.Wubao => "五保户",
            SpecialGroup.PovertyMonitoring => "脱贫/防止返贫监测对象",
            _ => group.ToString(),
        };
}
