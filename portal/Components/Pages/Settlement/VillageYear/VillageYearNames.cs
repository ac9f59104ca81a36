using Portal.Gateway;

namespace Portal.Components.Pages.Settlement.VillageYear;

/// <summary>The names a village-year's tabs show for the calculation's codes, as the calculation's
/// own totals word them.</summary>
public static class VillageYearNames
{
    public static string Code(VillageYearView? view, string code) =>
        view?.Totals?.FirstOrDefault(t =>
            t.Code == code && t.Category is "exclusion" or "flag"
        )?.Name
        ?? code;

    public static string Group(VillageYearView? view, string? code) =>
        code is null
            ? "一般"
            : view?.Totals?.FirstOrDefault(t => t.Category == "group" && t.Code == code)?.Name
                ?? Texts.SpecialGroup(code);

    public static string Category(string category) =>
        category switch
        {
            "eligibility" => "资格",
            "exclusion" => "不予补助原因",
            "group" => "参保身份",
            "tier" => "缴费档次",
            "flag" => "提示",
            "adjustment" => "异议调整",
            _ => category,
        };
}
