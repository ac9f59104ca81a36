namespace Subsidy.ServiceDefaults.Auth;

/// <summary>
/// Who sees a resident's full 公民身份号码 (docs/security.md, "Who sees a full ID number"). Every
/// list answers ID numbers masked (360222********1234). The two roles whose work needs the whole
/// number — the county centre, which imports and writes back the business system's records, and
/// a village's clerk, for the village's own members — may ask for it, each time naming why; the
/// service records who, whose, when and why before it answers. Pure.
/// </summary>
public static class IdNumberAccess
{
    public const int MaxPurposeLength = 100;

    /// <summary>The purposes the portal offers; any other text of up to <see
    /// cref="MaxPurposeLength"/> characters is accepted too.</summary>
    public static readonly IReadOnlyList<string> CommonPurposes =
    [
        "核对参保缴费记录",
        "办理参保人异议",
        "为参保人出具算清经济账告知书",
        "打印花名册报审",
        "回写养老保险业务系统",
    ];

    /// <summary>Whether the caller's role may ask for full numbers of a division's members at all
    /// (scope is checked before, as for every read).</summary>
    public static bool MayViewFull(Caller caller) =>
        caller.HasRole(Roles.CountyCentre, Roles.VillageClerk);

    /// <summary>Why the caller's role may never see whole numbers; null for the two that may.</summary>
    public static string? WhyRoleMayNot(Caller caller) =>
        MayViewFull(caller)
            ? null
            : $"{Roles.DisplayName(caller.Role)}只能查看遮蔽后的公民身份号码；完整号码仅县社保中心和本村经办人员可查看。";

    /// <summary>Null when the caller may see full numbers for this purpose; otherwise the refusal:
    /// 403 for a role that may not, 400 for a missing or overlong purpose.</summary>
    public static Refusal? WhyNotFull(Caller caller, string? purpose)
    {
        if (WhyRoleMayNot(caller) is { } role)
            return Refusal.Forbidden(role);
        if (string.IsNullOrWhiteSpace(purpose))
        {
            return Refusal.Invalid([
                (
                    "purpose",
                    "查看完整公民身份号码须说明用途（如：核对参保缴费记录），用途将记入审计日志。"
                ),
            ]);
        }
        if (purpose.Trim().Length > MaxPurposeLength)
            return Refusal.Invalid([("purpose", $"用途不能超过{MaxPurposeLength}个字。")]);
        return null;
    }

    /// <summary>What an audit entry says of whose numbers were shown: masked, never whole, and
    /// names masked as the public notice does.</summary>
    public static string Whose(IEnumerable<(string Name, string IdNumber)> members, int limit = 500)
    {
        var list = members.ToList();
        var shown = list.Take(limit)
            .Select(m =>
                $"{Subsidy.Contracts.PersonName.Mask(m.Name)} {Subsidy.Contracts.IdNumber.Mask(m.IdNumber)}"
            );
        var text = string.Join("、", shown);
        return list.Count > limit ? $"{text} 等{list.Count}人" : $"{text}（共{list.Count}人）";
    }
}
