using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Document.Rendering;

/// <summary>
/// 公示 (docs/design/06-documents.md): the period, where to object, and each recipient with masked
/// name and ID number — never the special-group category, which is sensitive personal information.
/// </summary>
public static class NoticeDocument
{
    public static readonly string[] Columns =
    [
        "序号",
        "姓名",
        "公民身份号码",
        "缴费档次",
        "集体补助金额",
    ];

    public static string Title(VillageYearData data) =>
        $"{data.VillageName}{data.Year}年度城乡居民基本养老保险集体补助公示";

    public static byte[] Pdf(VillageYearData data)
    {
        var document = new PdfDocument();
        document.Info.Title = Title(data);
        double[] widths = [40, 80, 160, 80, 100];
        var rows = data
            .Recipients.Select(
                (l, i) =>
                    new[]
                    {
                        (i + 1).ToString(CultureInfo.InvariantCulture),
                        Masking.Name(l.Name),
                        Masking.IdNumber(l.IdNumber),
                        l.Tier is { } tier
                            ? tier.ToString("0.##", CultureInfo.InvariantCulture)
                            : "",
                        l.Subsidy.ToString("0.00", CultureInfo.InvariantCulture),
                    }
            )
            .ToList();
        const int perPage = 28;
        var pages = Math.Max(1, (rows.Count + perPage - 1) / perPage);
        var font = new MixedFont(10);
        var start = data.NoticeStart?.ToString("yyyy年M月d日", CultureInfo.InvariantCulture) ?? "";
        var end = data.NoticeEnd?.ToString("yyyy年M月d日", CultureInfo.InvariantCulture) ?? "";
        for (var p = 0; p < pages; p++)
        {
            var page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            using var g = XGraphics.FromPdfPage(page);
            var left = (page.Width.Point - widths.Sum()) / 2;
            new MixedFont(15).DrawCentred(g, Title(data), new XRect(0, 36, page.Width.Point, 24));
            var y = 80.0;
            if (p == 0)
            {
                foreach (
                    var line in new[]
                    {
                        $"根据本村集体补助方案，经村集体经济组织确认，现将{data.Year}年度享受集体补助的人员及金额予以公示。",
                        $"公示期：{start}至{end}。",
                        $"如有异议，请在公示期内向{data.VillageName}村民委员会或{data.TownshipName}社会保障所反映。",
                    }
                )
                {
                    font.Draw(g, line, left, y);
                    y += 18;
                }
                y += 6;
            }
            y = PdfTable.Draw(
                g,
                font,
                left,
                y,
                widths,
                Columns,
                rows.Skip(p * perPage).Take(perPage)
            );
            if (p == pages - 1)
            {
                font.Draw(
                    g,
                    $"合计：{rows.Count} 人，{data.Total:0.00} 元（大写：{ChineseAmount.InCapitals(data.Total)}）",
                    left,
                    y + 20
                );
                font.Draw(
                    g,
                    $"{data.Organisation}　{data.IssuedOn.ToString("yyyy年M月d日", CultureInfo.InvariantCulture)}",
                    left + widths.Sum() - 260,
                    y + 50
                );
            }
        }
        return DeterministicFiles.Pdf(document, data.IssuedOn);
    }
}
