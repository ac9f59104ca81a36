using System.Globalization;
using MiniExcelLibs;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Document.Rendering;

/// <summary>花名册 (docs/design/06-documents.md), as XLSX and as PDF, with the same rows.</summary>
public static class RosterDocument
{
    public static readonly string[] Columns =
    [
        "序号",
        "姓名",
        "公民身份号码",
        "参保身份",
        "缴费档次",
        "个人缴费金额",
        "集体补助金额",
        "备注",
    ];

    public static string Title(VillageYearData data) =>
        $"{data.TownshipName}{data.VillageName}城乡居民基本养老保险集体补助花名册";

    private static IEnumerable<string[]> Body(VillageYearData data) =>
        data.Recipients.Select(
            (l, i) =>
                new[]
                {
                    (i + 1).ToString(CultureInfo.InvariantCulture),
                    l.Name,
                    l.IdNumber,
                    VillageYearData.Identity(l.SpecialGroup),
                    l.Tier is { } tier ? tier.ToString("0.##", CultureInfo.InvariantCulture) : "",
                    l.OwnContribution.ToString("0.00", CultureInfo.InvariantCulture),
                    l.Subsidy.ToString("0.00", CultureInfo.InvariantCulture),
                    l.Note ?? "",
                }
        );

    private static string TotalText(VillageYearData data) =>
        $"合计：{data.Recipients.Count} 人，集体补助金额 {data.Total:0.00} 元（大写：{ChineseAmount.InCapitals(data.Total)}）";

    private const string Signatures =
        "制表人：　　　　　　审核人：　　　　　　（盖章）　　　　　　日期：";

    /// <summary>The workbook's body: numbers as numbers (a spreadsheet sums them), the ID number
    /// as text.</summary>
    private static IEnumerable<object?[]> Values(VillageYearData data) =>
        data.Recipients.Select(
            (l, i) =>
                new object?[]
                {
                    i + 1,
                    l.Name,
                    l.IdNumber,
                    VillageYearData.Identity(l.SpecialGroup),
                    l.Tier,
                    l.OwnContribution,
                    l.Subsidy,
                    l.Note,
                }
        );

    /// <summary>The numeric columns' Excel number formats.</summary>
    private static readonly Dictionary<string, string> Formats = new()
    {
        ["A"] = "0",
        ["E"] = "#,##0",
        ["F"] = "#,##0.00",
        ["G"] = "#,##0.00",
    };

    public static byte[] Xlsx(VillageYearData data)
    {
        var rows = new List<Dictionary<string, object?>>
        {
            Row(Title(data)),
            Row($"单位：{data.Organisation}", $"年度：{data.Year}"),
            Row(Columns),
        };
        rows.AddRange(Values(data).Select(Row));
        rows.Add(Row(TotalText(data)));
        rows.Add(
            Row(Signatures + data.IssuedOn.ToString("yyyy年M月d日", CultureInfo.InvariantCulture))
        );
        var configuration = DeterministicFiles.WorkbookWith(Formats);
        using var stream = new MemoryStream();
        stream.SaveAs(rows, printHeader: false, configuration: configuration);
        return DeterministicFiles.Zip(stream.ToArray(), data.IssuedOn);
    }

    private static Dictionary<string, object?> Row(params object?[] cells) =>
        Enumerable
            .Range(0, Columns.Length)
            .ToDictionary(
                i => ((char)('A' + i)).ToString(),
                i => i < cells.Length ? cells[i] : null
            );

    public static byte[] Pdf(VillageYearData data)
    {
        var document = new PdfDocument();
        document.Info.Title = Title(data);
        double[] widths = [40, 70, 150, 125, 60, 80, 80, 125];
        var body = Body(data).ToList();
        const int perPage = 22;
        var pages = Math.Max(1, (body.Count + perPage - 1) / perPage);
        var font = new MixedFont(10);
        for (var p = 0; p < pages; p++)
        {
            var page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            page.Orientation = PdfSharp.PageOrientation.Landscape;
            using var g = XGraphics.FromPdfPage(page);
            var left = (page.Width.Point - widths.Sum()) / 2;
            new MixedFont(16).DrawCentred(g, Title(data), new XRect(0, 30, page.Width.Point, 24));
            font.Draw(g, $"单位：{data.Organisation}", left, 72);
            font.Draw(g, $"第 {p + 1} 页，共 {pages} 页", left + widths.Sum() - 90, 72);
            var y = PdfTable.Draw(
                g,
                font,
                left,
                80,
                widths,
                Columns,
                body.Skip(p * perPage).Take(perPage)
            );
            if (p == pages - 1)
            {
                font.Draw(g, TotalText(data), left, y + 20);
                font.Draw(
                    g,
                    Signatures
                        + data.IssuedOn.ToString("yyyy年M月d日", CultureInfo.InvariantCulture),
                    left,
                    y + 50
                );
            }
        }
        return DeterministicFiles.Pdf(document, data.IssuedOn);
    }
}

/// <summary>
/// A ruled table: a header row on grey, then the rows, each cell's text centred in its box. The
/// rules are drawn once for the whole table — a line per row and per column — rather than a box per
/// cell: a roster page's boxes were a good part of its rendering and of its page content.
/// </summary>
public static class PdfTable
{
    public const double Height = 20;

    /// <summary>Draws the table from <paramref name="top"/>; returns where it ends.</summary>
    public static double Draw(
        XGraphics g,
        MixedFont font,
        double left,
        double top,
        IReadOnlyList<double> widths,
        IReadOnlyList<string> header,
        IEnumerable<IReadOnlyList<string>> rows
    )
    {
        var width = widths.Sum();
        g.DrawRectangle(XBrushes.LightGray, new XRect(left, top, width, Height));
        var y = top;
        foreach (var cells in rows.Prepend(header))
        {
            var x = left;
            for (var i = 0; i < widths.Count; i++)
            {
                if (i < cells.Count && cells[i].Length > 0)
                    font.DrawFitted(g, cells[i], new XRect(x, y, widths[i], Height));
                x += widths[i];
            }
            y += Height;
        }
        for (var ruled = top + Height; ruled < y; ruled += Height)
            g.DrawLine(XPens.Black, left, ruled, left + width, ruled);
        var column = left;
        foreach (var w in widths.Take(widths.Count - 1))
            g.DrawLine(XPens.Black, column += w, top, column, y);
        g.DrawRectangle(XPens.Black, new XRect(left, top, width, y - top));
        return y;
    }
}
