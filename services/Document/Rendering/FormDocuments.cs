using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Document.Rendering;

/// <summary>The two one-page official forms: 申报表 and 缴费通知单 (docs/design/06-documents.md), drawn as
/// ruled A4 forms.</summary>
public static class FormDocuments
{
    public const string ApplicationTitle = "城乡居民养老保险村集体经济补助试点申报表";
    public const string PaymentNoticeTitle = "村集体经济补助缴费通知单";

    private static string Date(DateOnly date) =>
        date.ToString("yyyy年M月d日", CultureInfo.InvariantCulture);

    private static string Money(decimal amount) =>
        $"{amount:0.00} 元（大写：{ChineseAmount.InCapitals(amount)}）";

    public static byte[] Application(VillageYearData data)
    {
        (string Label, string Value, double Height)[] fields =
        [
            ("申报单位（盖章）", data.Organisation, 26),
            ("统一社会信用代码", data.CreditCode ?? "", 26),
            (
                "所在乡镇、村",
                $"{data.CountyName}{data.TownshipName}{data.VillageName}（{data.VillageCode}）",
                26
            ),
            ("补助年度", data.Year.ToString(CultureInfo.InvariantCulture), 26),
            ("补助资金预算", Money(data.Budget), 26),
            ("享受补助人数", $"{data.RecipientCount} 人", 26),
            ("集体补助总额", Money(data.Total), 26),
            (
                "公示情况",
                data.NoticeStart is { } s && data.NoticeEnd is { } e
                    ? $"已于 {Date(s)} 至 {Date(e)} 公示，公示期内异议均已处理"
                    : "",
                26
            ),
            (
                "村集体经济组织意见",
                "同意按花名册申报集体补助。\n（盖章）　　　　　　年　　月　　日",
                70
            ),
            ("乡镇社会保障所意见", "（盖章）　　　　　　年　　月　　日", 70),
            ("县社会保险中心审核意见", "（盖章）　　　　　　年　　月　　日", 70),
        ];
        return OnePage(
            ApplicationTitle,
            $"申报日期：{Date(data.IssuedOn)}",
            fields,
            "附：集体补助花名册",
            data.IssuedOn
        );
    }

    public static byte[] PaymentNotice(VillageYearData data)
    {
        var notice = data.PaymentNotice
            ?? throw new InvalidOperationException("the village-year has no payment notice");
        (string Label, string Value, double Height)[] fields =
        [
            ("通知单编号", notice.Number, 26),
            ("缴费单位", data.Organisation, 26),
            ("统一社会信用代码", data.CreditCode ?? "", 26),
            (
                "所在乡镇、村",
                $"{data.CountyName}{data.TownshipName}{data.VillageName}（{data.VillageCode}）",
                26
            ),
            ("补助年度", data.Year.ToString(CultureInfo.InvariantCulture), 26),
            ("补助人数", $"{data.RecipientCount} 人（名单见集体补助花名册）", 26),
            ("缴费金额", Money(notice.Amount), 26),
            ("缴费地点", $"{data.CountyName}税务局办税服务厅业务窗口", 26),
            ("缴费期限", $"请于 {Date(notice.DueOn)} 前缴清", 26),
            ("出具单位", $"{data.CountyName}社会保险中心（盖章）\n{Date(notice.IssuedOn)}", 60),
        ];
        return OnePage(
            PaymentNoticeTitle,
            $"编号：{notice.Number}",
            fields,
            "请持本通知单到税务部门窗口查询缴费；缴费后由县社会保险中心记入参保人个人账户。",
            notice.IssuedOn
        );
    }

    private static byte[] OnePage(
        string title,
        string subtitle,
        IEnumerable<(string Label, string Value, double Height)> fields,
        string footnote,
        DateOnly issuedOn
    )
    {
        var document = new PdfDocument();
        document.Info.Title = title;
        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        using (var g = XGraphics.FromPdfPage(page))
        {
            var font = new MixedFont(11);
            const double labelWidth = 150,
                width = 480;
            var left = (page.Width.Point - width) / 2;
            new MixedFont(17).DrawCentred(g, title, new XRect(0, 50, page.Width.Point, 28));
            font.Draw(g, subtitle, left + width - font.Width(g, subtitle), 100);
            var y = 110.0;
            foreach (var (label, value, height) in fields)
            {
                var labelBox = new XRect(left, y, labelWidth, height);
                var valueBox = new XRect(left + labelWidth, y, width - labelWidth, height);
                g.DrawRectangle(XPens.Black, labelBox);
                g.DrawRectangle(XPens.Black, valueBox);
                font.DrawCentred(g, label, labelBox);
                var lines = value.Split('\n');
                for (var i = 0; i < lines.Length; i++)
                {
                    font.Draw(
                        g,
                        lines[i],
                        valueBox.X + 8,
                        y
                            + 17
                            + i
                                * (height - 20)
                                / Math.Max(1, lines.Length - 1)
                                * (lines.Length > 1 ? 1 : 0)
                    );
                }
                y += height;
            }
            font.Draw(g, footnote, left, y + 24);
        }
        return DeterministicFiles.Pdf(document, issuedOn);
    }
}
