using System.Globalization;
using MiniExcelLibs;

namespace Document.Rendering;

public sealed record SummaryLine(
    string Code,
    string Name,
    int VillageYears,
    int Recipients,
    decimal Amount,
    decimal PaidAmount,
    decimal CreditedAmount
);

/// <summary>年度汇总表 of a township, county or city (docs/design/06-documents.md): one row per division
/// below it, and the total in capitals.</summary>
public static class SummaryDocument
{
    public static readonly string[] Columns =
    [
        "序号",
        "区划代码",
        "名称",
        "结算村数",
        "享受人数",
        "集体补助金额",
        "已缴费金额",
        "已到账金额",
    ];

    public static string Title(string divisionName, int year) =>
        $"{divisionName}{year}年度城乡居民基本养老保险集体补助汇总表";

    public static byte[] Xlsx(
        string divisionName,
        int year,
        DateOnly asOf,
        IReadOnlyList<SummaryLine> lines
    )
    {
        // Numbers as numbers (Excel sums them), shown by the column's number format.
        var rows = new List<object?[]>
        {
            new object?[] { Title(divisionName, year) },
            new object?[]
            {
                $"统计日期：{asOf.ToString("yyyy年M月d日", CultureInfo.InvariantCulture)}",
            },
            Columns,
        };
        rows.AddRange(
            lines.Select(
                (l, i) =>
                    new object?[]
                    {
                        i + 1,
                        l.Code,
                        l.Name,
                        l.VillageYears,
                        l.Recipients,
                        l.Amount,
                        l.PaidAmount,
                        l.CreditedAmount,
                    }
            )
        );
        var total = lines.Sum(l => l.Amount);
        rows.Add([
            null,
            null,
            "合计",
            lines.Sum(l => l.VillageYears),
            lines.Sum(l => l.Recipients),
            total,
            lines.Sum(l => l.PaidAmount),
            lines.Sum(l => l.CreditedAmount),
        ]);
        rows.Add([$"集体补助金额合计（大写）：{ChineseAmount.InCapitals(total)}"]);
        var sheet = rows.Select(cells =>
                Enumerable
                    .Range(0, Columns.Length)
                    .ToDictionary(
                        i => ((char)('A' + i)).ToString(),
                        i => i < cells.Length ? cells[i] : null
                    )
            )
            .ToList();
        var configuration = DeterministicFiles.WorkbookWith(
            new Dictionary<string, string>
            {
                ["A"] = "0",
                ["D"] = "#,##0",
                ["E"] = "#,##0",
                ["F"] = "#,##0.00",
                ["G"] = "#,##0.00",
                ["H"] = "#,##0.00",
            }
        );
        using var stream = new MemoryStream();
        stream.SaveAs(sheet, printHeader: false, configuration: configuration);
        return DeterministicFiles.Zip(stream.ToArray(), asOf);
    }
}
