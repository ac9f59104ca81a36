using System.Globalization;
using Document.Assessment;
using MiniExcelLibs;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Document.Rendering;

/// <summary>考核表 (docs/design/11-beyond-paperwork.md): one row per township (county, or village),
/// ranked, with the area's total, as XLSX and PDF.</summary>
public static class AssessmentDocument
{
    public static readonly string[] Columns =
    [
        "排名",
        "区划代码",
        "名称",
        "村(居)数",
        "试点村数",
        "试点覆盖率",
        "暂停村数",
        "试点村参保人数",
        "符合条件人数",
        "享受补助人数",
        "已到账金额(元)",
        "平均缴费档次",
        "上年平均档次",
        "千元档及以上占比",
        "上年千元档占比",
    ];

    public static string Title(string areaName, int year) =>
        $"{areaName}{year}年度城乡居民基本养老保险集体补助试点考核表";

    private static string[] Cells(AssessmentRow r) =>
        [
            r.Rank == 0 ? "" : r.Rank.ToString(CultureInfo.InvariantCulture),
            r.Code,
            r.Name,
            r.Villages.ToString("#,##0", CultureInfo.InvariantCulture),
            r.PilotVillages.ToString("#,##0", CultureInfo.InvariantCulture),
            Percent(r.Coverage),
            r.SuspendedVillages.ToString("#,##0", CultureInfo.InvariantCulture),
            r.Members.ToString("#,##0", CultureInfo.InvariantCulture),
            r.Eligible.ToString("#,##0", CultureInfo.InvariantCulture),
            r.Subsidised.ToString("#,##0", CultureInfo.InvariantCulture),
            r.Credited.ToString("#,##0.00", CultureInfo.InvariantCulture),
            Tier(r.AverageTier),
            Tier(r.AverageTierLastYear),
            Percent(r.ShareAt1000),
            Percent(r.ShareAt1000LastYear),
        ];

    /// <summary>
    /// The workbook's cells: numbers as numbers (Excel sums and sorts them), shown by the column's
    /// number format; what is not known is an empty cell, not a dash.
    /// </summary>
    private static object?[] Values(AssessmentRow r) =>
        [
            r.Rank == 0 ? null : r.Rank,
            r.Code,
            r.Name,
            r.Villages,
            r.PilotVillages,
            r.Coverage,
            r.SuspendedVillages,
            r.Members,
            r.Eligible,
            r.Subsidised,
            r.Credited,
            r.AverageTier,
            r.AverageTierLastYear,
            r.ShareAt1000,
            r.ShareAt1000LastYear,
        ];

    /// <summary>Each numeric column's Excel number format, by column index.</summary>
    private static readonly Dictionary<int, string> Formats = new()
    {
        [0] = "0",
        [3] = "#,##0",
        [4] = "#,##0",
        [5] = "0.0%",
        [6] = "#,##0",
        [7] = "#,##0",
        [8] = "#,##0",
        [9] = "#,##0",
        [10] = "#,##0.00",
        [11] = "0.00",
        [12] = "0.00",
        [13] = "0.0%",
        [14] = "0.0%",
    };

    private static string Percent(decimal? share) =>
        share is { } s ? (s * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "—";

    private static string Tier(decimal? tier) =>
        tier is { } t ? t.ToString("0.00", CultureInfo.InvariantCulture) : "—";

    public static byte[] Xlsx(
        string areaName,
        int year,
        DateOnly asOf,
        IReadOnlyList<AssessmentRow> rows,
        AssessmentRow total
    )
    {
        var lines = new List<object?[]>
        {
            new object?[] { Title(areaName, year) },
            new object?[]
            {
                $"统计日期：{asOf.ToString("yyyy年M月d日", CultureInfo.InvariantCulture)}　　排名依次按试点覆盖率、享受补助人数",
            },
            Columns,
        };
        lines.AddRange(rows.Select(Values));
        lines.Add(Values(total with { Name = "合计" }));
        var sheet = lines
            .Select(cells =>
                Enumerable
                    .Range(0, Columns.Length)
                    .ToDictionary(i => Column(i), i => i < cells.Length ? cells[i] : null)
            )
            .ToList();
        var configuration = DeterministicFiles.WorkbookWith(
            Formats.Select(f => KeyValuePair.Create(Column(f.Key), f.Value))
        );
        using var stream = new MemoryStream();
        stream.SaveAs(sheet, printHeader: false, configuration: configuration);
        return DeterministicFiles.Zip(stream.ToArray(), asOf);
    }

    private static string Column(int index) =>
        index < 26 ? ((char)('A' + index)).ToString() : "A" + (char)('A' + index - 26);

    private static readonly double[] Widths =
    [
        30,
        78,
        78,
        42,
        42,
        50,
        42,
        62,
        56,
        56,
        72,
        52,
        52,
        60,
        60,
    ];

    /// <summary>Where the table starts, in points from the top of the page.</summary>
    public const double TableTop = 80;

    /// <summary>The x of every column's left and right border on a page of this width.</summary>
    public static IEnumerable<double> ColumnBorders(double pageWidth)
    {
        var x = (pageWidth - Widths.Sum()) / 2;
        yield return x;
        foreach (var width in Widths)
            yield return x += width;
    }

    public static byte[] Pdf(
        string areaName,
        int year,
        DateOnly asOf,
        IReadOnlyList<AssessmentRow> rows,
        AssessmentRow total
    )
    {
        var document = new PdfDocument();
        document.Info.Title = Title(areaName, year);
        const int perPage = 20;
        var all = rows.Select(Cells).Append(Cells(total with { Name = "合计" })).ToList();
        var font = new MixedFont(8);
        for (var p = 0; p * perPage < all.Count; p++)
        {
            var page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            page.Orientation = PdfSharp.PageOrientation.Landscape;
            using var g = XGraphics.FromPdfPage(page);
            var left = (page.Width.Point - Widths.Sum()) / 2;
            new MixedFont(14).DrawCentred(
                g,
                Title(areaName, year),
                new XRect(0, 30, page.Width.Point, 22)
            );
            font.Draw(
                g,
                $"统计日期：{asOf.ToString("yyyy年M月d日", CultureInfo.InvariantCulture)}　　排名依次按试点覆盖率、享受补助人数；平均缴费档次为试点村本人缴费人员所选档次的平均数",
                left,
                70
            );
            PdfTable.Draw(
                g,
                font,
                left,
                TableTop,
                Widths,
                Columns,
                all.Skip(p * perPage).Take(perPage)
            );
        }
        return DeterministicFiles.Pdf(document, asOf);
    }
}
