using System.Globalization;
using System.Text;
using MiniExcelLibs;
using Subsidy.Contracts;

namespace Subsidy.EndToEndTests;

/// <summary>Contribution-detail exports as the business system writes them, with valid ID
/// numbers.</summary>
public static class ContributionFiles
{
    public static readonly string[] Header =
    [
        "姓名",
        "公民身份号码",
        "行政区划代码",
        "缴费年度",
        "缴费项目",
        "缴费类型",
        "缴费档次",
        "缴费金额",
        "到账日期",
        "参保身份",
        "待遇状态",
    ];

    /// <summary>A distinct valid ID number for each person number (up to some ten
    /// million).</summary>
    public static string Id(int person)
    {
        var birth = new DateOnly(1950, 1, 1).AddDays(person / 1000);
        var first17 = $"360222{birth:yyyyMMdd}{person % 1000:000}";
        return first17 + IdNumber.CheckCharacter(first17);
    }

    /// <summary>The person's ID number as lists show it to those who may not see it whole.</summary>
    public static string MaskedId(int person) => IdNumber.Mask(Id(person));

    /// <summary>A person's yearly record: 个人缴费, 正常缴费, the tier as amount (unless another or none is
    /// given), paid in spring.</summary>
    public static string[] Row(
        int person,
        string village,
        int year,
        decimal amount = 500,
        string item = "个人缴费",
        string type = "正常缴费",
        string? paidOn = null,
        string identity = "011",
        string benefit = "未领取",
        string? tier = null
    ) =>
        [
            $"测试{person}",
            Id(person),
            village,
            year.ToString(CultureInfo.InvariantCulture),
            item,
            type,
            tier ?? amount.ToString("0.##", CultureInfo.InvariantCulture),
            amount.ToString("0.00", CultureInfo.InvariantCulture),
            paidOn ?? $"{year}-03-15",
            identity,
            benefit,
        ];

    public static List<string[]> Rows(
        int count,
        string[] villages,
        int year,
        int firstPerson = 1
    ) =>
        Enumerable
            .Range(firstPerson, count)
            .Select(i =>
                Row(i, villages[i % villages.Length], year, amount: i % 5 == 0 ? 1000 : 500)
            )
            .ToList();

    public static byte[] Csv(
        IEnumerable<string[]> rows,
        Encoding encoding,
        bool bom = false,
        string[]? header = null
    )
    {
        var text = new StringBuilder();
        text.Append(string.Join(',', header ?? Header)).Append("\r\n");
        foreach (var row in rows)
            text.Append(string.Join(',', row.Select(Quote))).Append("\r\n");
        var body = encoding.GetBytes(text.ToString());
        return bom ? [.. encoding.GetPreamble(), .. body] : body;
    }

    /// <summary>A workbook with the business system's two title rows above the header.</summary>
    public static byte[] Xlsx(IEnumerable<string[]> rows, int year)
    {
        var sheet = new List<Dictionary<string, object?>>
        {
            Line(["城乡居民基本养老保险参保缴费明细"]),
            Line([$"导出范围：浮梁县    缴费年度：{year}"]),
            Line(Header),
        };
        sheet.AddRange(rows.Select(r => Line(r)));
        using var stream = new MemoryStream();
        stream.SaveAs(sheet, printHeader: false);
        return stream.ToArray();
    }

    private static Dictionary<string, object?> Line(string[] cells)
    {
        var line = new Dictionary<string, object?>();
        for (var c = 0; c < Header.Length; c++)
            line[((char)('A' + c)).ToString()] = c < cells.Length ? cells[c] : null;
        return line;
    }

    private static string Quote(string value) =>
        value.Contains(',') || value.Contains('"')
            ? "\"" + value.Replace("\"", "\"\"") + "\""
            : value;
}
