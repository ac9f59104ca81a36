using System.Globalization;
using System.Text;
using MiniExcelLibs;

namespace Document.Rendering;

/// <summary>
/// 集体补助到账明细 for the business system (docs/design/06-documents.md): one 集体补助 (item 6) record per
/// credited member, in the contribution export's own columns, so the business system — and this
/// system's own import — can take it back.
/// </summary>
public static class CreditedExport
{
    public static readonly string[] Columns =
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

    private static IEnumerable<string[]> Rows(VillageYearData data) =>
        data.Recipients.Select(l =>
            new[]
            {
                l.Name,
                l.IdNumber,
                data.VillageCode,
                data.Year.ToString(CultureInfo.InvariantCulture),
                "集体补助",
                "正常缴费",
                "",
                l.Subsidy.ToString("0.00", CultureInfo.InvariantCulture),
                data.IssuedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                "",
                "未领取",
            }
        );

    /// <summary>UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese
    /// correctly.</summary>
    public static byte[] Csv(VillageYearData data)
    {
        var text = new StringBuilder(string.Join(',', Columns)).Append("\r\n");
        foreach (var row in Rows(data))
            text.Append(string.Join(',', row.Select(Subsidy.Contracts.SpreadsheetText.CsvField)))
                .Append("\r\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    /// <summary>
    /// The workbook's cells: the year and the amount as numbers, the date as a date (the import,
    /// this system's and the business system's, reads either); codes and ID numbers as text.
    /// </summary>
    private static IEnumerable<object?[]> Values(VillageYearData data) =>
        data.Recipients.Select(l =>
            new object?[]
            {
                l.Name,
                l.IdNumber,
                data.VillageCode,
                data.Year,
                "集体补助",
                "正常缴费",
                null,
                l.Subsidy,
                data.IssuedOn.ToDateTime(TimeOnly.MinValue),
                null,
                "未领取",
            }
        );

    private static readonly Dictionary<string, string> Formats = new()
    {
        ["缴费年度"] = "0",
        ["缴费金额"] = "0.00",
        ["到账日期"] = "yyyy-mm-dd",
    };

    public static byte[] Xlsx(VillageYearData data)
    {
        var rows = Values(data)
            .Select(cells =>
                Columns
                    .Select((column, i) => (column, cells[i]))
                    .ToDictionary(c => c.column, c => c.Item2)
            )
            .ToList();
        if (rows.Count == 0)
            rows.Add(Columns.ToDictionary(c => c, _ => (object?)null));
        var configuration = DeterministicFiles.WorkbookWith(Formats);
        using var stream = new MemoryStream();
        stream.SaveAs(rows, configuration: configuration);
        return DeterministicFiles.Zip(stream.ToArray(), data.IssuedOn);
    }
}
