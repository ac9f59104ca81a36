using System.Globalization;
using Subsidy.Contracts;

namespace ContributionImport.Parsing;

public sealed record ImportError(int RowNumber, string Column, string? Value, string Reason)
{
    /// <summary>An error in a cell of <paramref name="field"/>, the value as the file wrote it,
    /// except that an ID number is kept and shown masked (<see cref="IdNumber.MaskAsWritten"/>):
    /// whoever reads the report has the file, and the row and column lead to the cell.</summary>
    public static ImportError In(
        int rowNumber,
        string column,
        Field field,
        string? value,
        string reason
    ) =>
        new(
            rowNumber,
            column,
            field == Field.IdNumber && value is not null ? IdNumber.MaskAsWritten(value) : value,
            reason
        );
}

/// <summary>
/// What a row is checked against: the export's year and scope, the known villages, and the tiers
/// (with the special tier) of every policy year configured for the scope — the export's own year
/// always among them.
/// </summary>
public sealed record ImportContext(
    int Year,
    string ScopeCode,
    IReadOnlySet<string> KnownVillages,
    IReadOnlyDictionary<int, IReadOnlySet<decimal>> TiersByYear
)
{
    /// <summary>The first year of 城乡居民基本养老保险 (新农保 pilots of 2009): no record pays for an earlier
    /// one.</summary>
    public const int FirstYear = 2009;
}

/// <summary>Turns one row of the export into a record, or into every error it has
/// (docs/design/03-import.md). Pure.</summary>
public static class ContributionRowParser
{
    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd",
        "yyyy/M/d",
        "yyyyMMdd",
        "yyyy-M-d",
        "yyyy/MM/dd",
        "yyyy-MM-dd HH:mm:ss",
        "yyyy/M/d H:mm:ss",
    ];

    public static (ContributionRecord? Record, IReadOnlyList<ImportError> Errors) Parse(
        int rowNumber,
        string?[] cells,
        HeaderMap map,
        ImportContext context
    )
    {
        // Created at the first error only: a million good rows should not each leave an empty list
        // behind.
        List<ImportError>? errors = null;
        void Fail(Field field, string? value, string reason) =>
            (errors ??= []).Add(
                ImportError.In(rowNumber, map.HeaderOf(field), field, value, reason)
            );

        var name = map.Cell(cells, Field.Name);
        if (string.IsNullOrEmpty(name))
            Fail(Field.Name, name, "姓名不能为空");

        var id = map.Cell(cells, Field.IdNumber);
        if (id is { Length: 18 } && id[17] == 'x')
            id = id[..17] + "X";
        if (IdNumber.WhyInvalid(id) is { } idProblem)
            Fail(
                Field.IdNumber,
                id,
                SpreadsheetNumbers.WhyIdLostDigits(id, idProblem) ?? idProblem
            );

        var village = map.Cell(cells, Field.VillageCode);
        if (!DivisionCode.IsWellFormed(village))
            Fail(Field.VillageCode, village, "村(居)编码须为12位数字");
        else if (!village!.StartsWith(context.ScopeCode, StringComparison.Ordinal))
            Fail(Field.VillageCode, village, $"村(居)不在本次导入范围 {context.ScopeCode} 内");
        else if (!context.KnownVillages.Contains(village))
            Fail(Field.VillageCode, village, "系统中没有这个村(居)");

        var yearText = map.Cell(cells, Field.Year);
        // A year's export also carries back payments (补缴, 一次性补缴) for earlier years: each keeps its
        // own year.
        if (
            yearText is not { Length: 4 }
            || !int.TryParse(
                yearText,
                NumberStyles.None,
                CultureInfo.InvariantCulture,
                out var year
            )
        )
        {
            Fail(Field.Year, yearText, "缴费年度须为4位数字");
            year = 0;
        }
        else if (year > context.Year)
            Fail(Field.Year, yearText, $"缴费年度 {year} 晚于本次导入的年度 {context.Year}");
        else if (year < ImportContext.FirstYear)
            Fail(
                Field.Year,
                yearText,
                $"缴费年度 {year} 早于城乡居民基本养老保险开始的 {ImportContext.FirstYear} 年"
            );

        var itemText = map.Cell(cells, Field.Item);
        var item = ParseItem(itemText);
        if (item is null)
            Fail(
                Field.Item,
                itemText,
                "缴费项目无法识别，应为个人缴费(1)、政府代缴(11)、集体补助(6)或省/市/县级补贴(3/4/5)"
            );

        var typeText = map.Cell(cells, Field.Type);
        var type = ParseType(typeText);
        if (type is null)
            Fail(
                Field.Type,
                typeText,
                "缴费类型无法识别，应为正常缴费/正常应缴(10)、补缴(31)或一次性补缴"
            );

        var tierText = map.Cell(cells, Field.Tier);
        decimal? tier = null;
        if (!string.IsNullOrEmpty(tierText))
        {
            // Checked against the tiers of the row's own year where that year's parameters are
            // known; an earlier year nobody configured here cannot be checked, and that is no
            // reason to refuse its back payment.
            if (!TryParseMoney(tierText, out var t))
                Fail(Field.Tier, tierText, "缴费档次须为金额");
            else if (
                year > 0
                && context.TiersByYear.TryGetValue(year, out var tiers)
                && !tiers.Contains(t)
            )
                Fail(Field.Tier, tierText, $"{t:0.##} 元不是 {year} 年度的缴费档次");
            else
                tier = t;
        }

        var amountText = map.Cell(cells, Field.Amount);
        if (!TryParseMoney(amountText, out var amount))
            Fail(Field.Amount, amountText, "缴费金额须为数字");
        else if (amount <= 0)
            Fail(Field.Amount, amountText, "缴费金额须大于0");
        else if (decimal.Round(amount, 2) != amount)
            Fail(Field.Amount, amountText, "缴费金额最多两位小数");

        var paidText = map.Cell(cells, Field.PaidOn);
        if (!TryParseDate(paidText, out var paidOn))
            Fail(Field.PaidOn, paidText, "日期无法识别，应为 yyyy-MM-dd、yyyy/M/d 或 yyyyMMdd");

        var identityText = map.Cell(cells, Field.Identity);
        SpecialGroup? group = null;
        if (!string.IsNullOrEmpty(identityText))
        {
            identityText = Identities.Normalize(identityText);
            if (!Identities.TryParse(identityText, out group))
                Fail(Field.Identity, identityText, "参保身份无法识别");
        }

        var benefitText = map.Cell(cells, Field.BenefitStatus);
        var receiving = false;
        if (!string.IsNullOrEmpty(benefitText))
        {
            if (benefitText is "已领取" or "已领待遇" or "领取")
                receiving = true;
            else if (benefitText is not ("未领取" or "未领待遇"))
                Fail(Field.BenefitStatus, benefitText, "待遇状态应为未领取或已领取");
        }

        if (errors is not null)
            return (null, errors);
        return (
            new ContributionRecord(
                rowNumber,
                name!,
                id!,
                village!,
                year,
                item!.Value,
                type!.Value,
                tier,
                amount,
                paidOn,
                string.IsNullOrEmpty(identityText) ? null : identityText,
                group,
                receiving
            ),
            []
        );
    }

    public static ContributionItem? ParseItem(string? text) =>
        text switch
        {
            "1" or "01" or "个人缴费" => ContributionItem.Personal,
            "11" or "政府代缴" => ContributionItem.GovernmentOnBehalf,
            "6" or "06" or "集体补助" => ContributionItem.Collective,
            "3" or "03" or "省级补贴" => ContributionItem.ProvincialSubsidy,
            "4" or "04" or "市级补贴" => ContributionItem.CitySubsidy,
            "5" or "05" or "县级补贴" => ContributionItem.CountySubsidy,
            _ => null,
        };

    public static PaymentType? ParseType(string? text) =>
        text switch
        {
            "10" or "正常缴费" or "正常应缴" => PaymentType.Normal,
            "31" or "补缴" => PaymentType.BackPayment,
            "一次性补缴" => PaymentType.LumpSum,
            _ => null,
        };

    public static bool TryParseMoney(string? text, out decimal value) =>
        decimal.TryParse(
            text,
            NumberStyles.AllowDecimalPoint
                | NumberStyles.AllowLeadingSign
                | NumberStyles.AllowThousands,
            CultureInfo.InvariantCulture,
            out value
        );

    public static bool TryParseDate(string? text, out DateOnly date)
    {
        date = default;
        if (string.IsNullOrEmpty(text))
            return false;
        // The business system's own export writes yyyy-MM-dd: that shape is read digit by digit,
        // since the framework's format parser was a visible share of the whole import; anything
        // else goes through the format list.
        if (TryParseIsoDate(text, out date))
            return true;
        if (
            DateTime.TryParseExact(
                text,
                DateFormats,
                CultureInfo.InvariantCulture,
                DateTimeStyles.None,
                out var parsed
            )
        )
        {
            date = DateOnly.FromDateTime(parsed);
            return true;
        }
        return false;
    }

    private static bool TryParseIsoDate(string text, out DateOnly date)
    {
        date = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-')
            return false;
        if (
            !TryDigits(text.AsSpan(0, 4), out var year)
            || !TryDigits(text.AsSpan(5, 2), out var month)
            || !TryDigits(text.AsSpan(8, 2), out var day)
        )
            return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            return false;
        date = new DateOnly(year, month, day);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
                return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}

/// <summary>参保身份 (aac066) codes and texts, and the special group each names
/// (docs/design/01-purpose-and-reference-data.md).</summary>
public static class Identities
{
    /// <summary>A spreadsheet that stored the code as a number drops its leading zeros: 61 is the
    /// code 061.</summary>
    public static string Normalize(string text) =>
        text.Length is 1 or 2 && text.All(char.IsAsciiDigit) ? text.PadLeft(3, '0') : text;

    public static bool TryParse(string text, out SpecialGroup? group)
    {
        group = null;
        switch (text)
        {
            case "061" or "062" or "063" or "低保对象" or "低保户":
                group = SpecialGroup.Dibao;
                return true;
            case "031" or "032" or "033" or "特困人员" or "特困供养人员":
                group = SpecialGroup.Tekun;
                return true;
            case "021" or "022" or "重度残疾人" or "残一级" or "残二级":
                group = SpecialGroup.SevereDisability;
                return true;
            case "五保户":
                group = SpecialGroup.Wubao;
                return true;
            case "051"
            or "052"
            or "053"
            or "脱贫人口"
            or "防止返贫监测对象"
            or "脱贫/防止返贫监测对象"
            or "脱贫监测户":
                group = SpecialGroup.PovertyMonitoring;
                return true;
            case "011" or "普通" or "023" or "残三级" or "071" or "计生特扶" or "090" or "其他":
                return true;
            default:
                return false;
        }
    }
}
