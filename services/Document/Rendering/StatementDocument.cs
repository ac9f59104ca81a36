using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using Subsidy.Contracts;

namespace Document.Rendering;

/// <summary>
/// 集体补助告知书 (docs/design/11-beyond-paperwork.md): one A4 page for one resident — full name, masked
/// ID number, nobody else's data — with the subsidy at every tier, what has been credited so far,
/// and the estimate at 60 with its formula printed.
/// </summary>
public static class StatementDocument
{
    public const string Title = "城乡居民基本养老保险集体补助告知书";
    public static readonly string[] Columns =
    [
        "缴费档次",
        "个人缴费",
        "托底补助",
        "激励补助",
        "集体补助",
        "到60岁累计（估）",
        "每月增发（估）",
    ];

    private static string Yuan(decimal amount) =>
        amount.ToString("#,##0.00", CultureInfo.InvariantCulture);

    public static byte[] Pdf(ResidentStatement s, string villageName, string townshipName)
    {
        var document = new PdfDocument();
        document.Info.Title = Title;
        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        using (var g = XGraphics.FromPdfPage(page))
        {
            var font = new MixedFont(10);
            double[] widths = [55, 60, 60, 60, 65, 95, 85];
            var left = (page.Width.Point - widths.Sum()) / 2;
            new MixedFont(16).DrawCentred(g, Title, new XRect(0, 40, page.Width.Point, 26));
            var y = 88.0;
            void Line(string text, double gap = 17)
            {
                font.Draw(g, text, left, y);
                y += gap;
            }
            Line(
                $"参保人：{s.Name}　　公民身份号码：{IdNumber.Mask(s.IdNumber)}　　{townshipName}{villageName}　　{s.Year}年度"
            );
            Line(
                s.Eligible
                    ? s.ThisYear
                    : s.ThisYear + "下表为按本村方案各档次的补助标准，仅供了解。"
            );
            if (s.Prorated)
                Line("说明：本村本年度补助资金不足，激励补助已按比例核减；下表为核减前的标准。");
            if (s.Eligible && s.NextTier is { } next)
                Line(
                    $"若提高到 {next:0.##} 元档，本年度集体补助可增至 {Yuan(s.NextTierSubsidy!.Value)} 元。"
                );
            y += 6;
            y = PdfTable.Draw(
                g,
                font,
                left,
                y,
                widths,
                Columns,
                s.Tiers.Select(tier =>
                    (IReadOnlyList<string>)
                        [
                            tier.Tier.ToString("0.##", CultureInfo.InvariantCulture)
                                + (tier.Tier == s.ChosenTier ? "（现）" : ""),
                            Yuan(tier.OwnPayment),
                            Yuan(tier.FloorPart),
                            Yuan(tier.IncentivePart),
                            Yuan(tier.Subsidy),
                            Yuan(tier.AccountAt60),
                            Yuan(tier.MonthlyAt60),
                        ]
                )
            );
            y += 22;
            Line(
                $"已记入个人账户的集体补助：{(s.Credited.Count == 0 ? "暂无" : string.Join("；", s.Credited.Select(c => $"{c.Year}年 {Yuan(c.Amount)} 元")))}，合计 {Yuan(s.CreditedTotal)} 元。"
            );
            Line(
                $"按已记入的集体补助估算，60周岁起每月可增加养老金约 {Yuan(s.MonthlyFromCredited)} 元。"
            );
            Line(
                $"表中到60岁累计一栏，按今后每年（至60周岁前共 {s.ContributionYearsLeft} 年）选择该档次并享受同样补助估算。"
            );
            Line(s.Formula[..s.Formula.IndexOf('；')] + "；");
            Line(s.Formula[(s.Formula.IndexOf('；') + 1)..]);
            y += 20;
            Line($"{townshipName}{villageName}村民委员会（盖章）");
        }
        return DeterministicFiles.Pdf(document, new DateOnly(s.Year, 1, 1));
    }
}
