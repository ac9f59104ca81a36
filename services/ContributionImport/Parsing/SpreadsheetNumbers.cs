using System.Text.RegularExpressions;

namespace ContributionImport.Parsing;

/// <summary>
/// An 18-digit ID number that a spreadsheet kept as a number holds only its first 15 digits: it
/// shows as 3.60222197003051E+17, or as 360222197003051000 once widened. Its last digits are gone,
/// so "wrong check digit" would send the clerk hunting for a typing mistake; the reason says what
/// happened and how to export it again.
/// </summary>
public static partial class SpreadsheetNumbers
{
    [GeneratedRegex(@"^\d(\.\d+)?[eE][+]?\d{1,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex ExponentForm();

    private const string Remedy =
        "请在业务系统或表格中把“公民身份号码”列设为文本格式后重新导出（号码须完整18位）";

    /// <summary>Why an ID number looks like one a spreadsheet stored as a number; null when it does
    /// not.</summary>
    public static string? WhyIdLostDigits(string? value, string? whyInvalid)
    {
        if (string.IsNullOrEmpty(value) || whyInvalid is null)
            return null;
        if (ExponentForm().IsMatch(value))
        {
            return $"公民身份号码被表格软件存成了数字（显示为 {value}），只保留了前15位，末几位已丢失；{Remedy}";
        }
        if (
            value.Length == 18
            && value.EndsWith("000", StringComparison.Ordinal)
            && value.All(char.IsAsciiDigit)
        )
        {
            return $"公民身份号码末3位都是0且校验不通过，多半是表格软件把号码存成了数字，只保留了前15位；{Remedy}";
        }
        return null;
    }
}
