using System.Globalization;
using MiniExcelLibs;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Document.Rendering;

/// <summary>花名册 (DESIGN §7), as XLSX and as PDF, with the same rows.</summary>
public static class RosterDocument
{
    public static readonly string[] Columns = ["序号", "姓名", "公民身份号码", "参保身份", "缴费档次", "个人缴费金额", "集体补助金额", "备注"];

    public static string Title(VillageYearData data) => $"{data.TownshipName}{data.VillageName}城乡居民基本养老保险集体补助花名册";

    private static IEnumerable<string[]> Body(VillageYearData data) =>
        data.Recipients.Select((l, i) => new[]
        {
            (i + 1).ToString(CultureInfo.InvariantCulture), l.Name, l.IdNumber, VillageYearData.Identity(l.SpecialGroup),
            l.Tier is { } tier ? tier.ToString("0.##", CultureInfo.InvariantCulture) : "", l.OwnContribution.ToString("0.00", CultureInfo.InvariantCulture),
            l.Subsidy.ToString("0.00", CultureInfo.InvariantCulture), l.Note ?? "",
        });

    private static string TotalText(VillageYearData data) => $"合计：{data.Recipients.Count} 人，集体补助金额 {data.Total:0.00} 元（大写：{ChineseAmount.InCapitals(data.Total)}）";

    private const string Signatures = "制表人：　　　　　　审核人：　　　　　　（盖章）　　　　　　日期：";

    public static byte[] Xlsx(VillageYearData data)
    {
        var rows = new List<Dictionary<string, object>>
        {
            Row(Title(data)),
            Row($"单位：{data.Organisation}", $"年度：{data.Year}"),
            Row(Columns),
        };
        rows.AddRange(Body(data).Select(cells => Row(cells)));
        rows.Add(Row(TotalText(data)));
        rows.Add(Row(Signatures + data.IssuedOn.ToString("yyyy年M月d日", CultureInfo.InvariantCulture)));
        using var stream = new MemoryStream();
        stream.SaveAs(rows, printHeader: false, configuration: DeterministicFiles.Workbook);
        return DeterministicFiles.Zip(stream.ToArray(), data.IssuedOn);
    }

    private static Dictionary<string, object> Row(params string[] cells) =>
        Enumerable.Range(0, Columns.Length).ToDictionary(i => ((char)('A' + i)).ToString(), i => (object)(i < cells.Length ? cells[i] : ""));

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
            var y = 80.0;
            y = PdfTable.Row(g, font, left, y, widths, Columns, header: true);
            foreach (var cells in body.Skip(p * perPage).Take(perPage)) y = PdfTable.Row(g, font, left, y, widths, cells, header: false);
            if (p == pages - 1)
            {
                font.Draw(g, TotalText(data), left, y + 20);
                font.Draw(g, Signatures + data.IssuedOn.ToString("yyyy年M月d日", CultureInfo.InvariantCulture), left, y + 50);
            }
        }
        return DeterministicFiles.Pdf(document, data.IssuedOn);
    }
}

/// <summary>One ruled table row: cells centred in boxes of the given widths.</summary>
public static class PdfTable
{
    public const double Height = 20;

    public static double Row(XGraphics g, MixedFont font, double left, double y, IReadOnlyList<double> widths, IReadOnlyList<string> cells, bool header)
    {
        var x = left;
        for (var i = 0; i < widths.Count; i++)
        {
            var box = new XRect(x, y, widths[i], Height);
            if (header) g.DrawRectangle(XBrushes.LightGray, box);
            g.DrawRectangle(XPens.Black, box);
            font.DrawCentred(g, i < cells.Count ? cells[i] : "", box);
            x += widths[i];
        }
        return y + Height;
    }
}
