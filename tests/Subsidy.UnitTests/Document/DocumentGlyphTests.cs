using Calculation.Statements;
using Document.Assessment;
using Document.Rendering;
using UglyToad.PdfPig;

namespace Subsidy.UnitTests.Document;

public class DocumentGlyphTests
{
    static DocumentGlyphTests() => PdfFonts.Use();

    private static readonly DateOnly AsOf = new(2026, 12, 1);

    /// <summary>One sample of every kind of PDF the system issues, with the characters that have
    /// been missing before: "—" for an unknown figure, a rare character in a name.</summary>
    public static TheoryData<string> Kinds() =>
        ["花名册", "公示", "申请书", "缴款通知书", "告知书", "考核表"];

    private static byte[] Sample(string kind)
    {
        var village = DocumentRenderingTests.Settled() with
        {
            Organisation = "礼芳村股份经济合作社（喆）",
        };
        var rows = AssessmentRules.Rows(AssessmentTests.Villages, AssessmentTests.Names);
        var total = AssessmentRules.Total("360222000000", "浮梁县", AssessmentTests.Villages);
        return kind switch
        {
            "花名册" => RosterDocument.Pdf(village),
            "公示" => NoticeDocument.Pdf(village),
            "申请书" => FormDocuments.Application(village),
            "缴款通知书" => FormDocuments.PaymentNotice(village),
            "告知书" => StatementDocument.Pdf(
                StatementRules.Compose(Calculation.StatementTests.Inputs()),
                "礼芳村",
                "蛟潭镇"
            ),
            "考核表" => AssessmentDocument.Pdf("浮梁县", 2026, AsOf, rows, total),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    /// <summary>The fonts the PDFs embed, by the family name a subset carries there after its
    /// "ABCDEF+".</summary>
    private static readonly Dictionary<string, byte[]> Faces = new()
    {
        ["Droid Sans Fallback"] = Face(PdfFonts.Cjk),
        ["Droid Sans Fallback GB2312"] = Face(PdfFonts.CjkCommon),
        ["DejaVu Sans"] = Face(PdfFonts.Latin),
        ["DejaVu Sans Latin-1"] = Face(PdfFonts.LatinCommon),
    };

    private static byte[] Face(string name)
    {
        PdfFonts.Use(); // field initialisers run before the static constructor
        return ((PdfFonts)PdfSharp.Fonts.GlobalFontSettings.FontResolver!).GetFont(name);
    }

    /// <summary>A character has a glyph when the font maps it to one with an outline: a font that
    /// lacks it maps it to glyph 0 or to an empty glyph, drawn as an empty box or as
    /// nothing.</summary>
    private static bool HasGlyph(string fontName, char c)
    {
        var font = Faces[fontName[(fontName.IndexOf('+') + 1)..]];
        var glyph = CompactFont.CharacterMap(font).GlyphOf(c);
        return glyph != 0 && (char.IsWhiteSpace(c) || CompactFont.Outline(font, glyph).Length > 0);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_character_of_every_kind_of_PDF_has_a_glyph_in_its_embedded_font(string kind)
    {
        using var pdf = PdfDocument.Open(Sample(kind));
        var letters = pdf.GetPages().SelectMany(p => p.Letters).ToList();
        Assert.NotEmpty(letters);
        var missing = letters
            .Where(l => !HasGlyph(l.FontName ?? "", l.Value[0]))
            .Select(l => $"{l.Value} ({l.FontName})")
            .Distinct()
            .ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void The_assessment_prints_an_unknown_figure_as_a_dash_and_counts_with_separators()
    {
        var rows = AssessmentRules.Rows(AssessmentTests.Villages, AssessmentTests.Names);
        var total = AssessmentRules.Total("360222000000", "浮梁县", AssessmentTests.Villages) with
        {
            Members = 12345,
        };
        using var pdf = PdfDocument.Open(AssessmentDocument.Pdf("浮梁县", 2026, AsOf, rows, total));
        var text = string.Concat(pdf.GetPages().SelectMany(p => p.Letters).Select(l => l.Value));
        Assert.Contains("—", text);
        Assert.Contains("12,345", text);
    }

    [Fact]
    public void No_letter_of_the_assessment_table_crosses_a_column_border()
    {
        var names = new Dictionary<string, string>(AssessmentTests.Names)
        {
            ["360222100000"] = "浮梁县浮梁镇人民政府驻地社区工作站",
        };
        var rows = AssessmentRules.Rows(AssessmentTests.Villages, names);
        var total = AssessmentRules.Total("360222000000", "浮梁县", AssessmentTests.Villages);
        using var pdf = PdfDocument.Open(AssessmentDocument.Pdf("浮梁县", 2026, AsOf, rows, total));
        var page = pdf.GetPage(1);
        var borders = AssessmentDocument.ColumnBorders(page.Width).ToList();
        var tableTop = page.Height - AssessmentDocument.TableTop;
        var crossing = page
            .Letters.Where(l => l.BoundingBox.Top < tableTop)
            .Where(l =>
                borders.Any(x => l.BoundingBox.Left < x - 0.3 && l.BoundingBox.Right > x + 0.3)
            )
            .Select(l => l.Value)
            .ToList();
        Assert.Empty(crossing);
        var text = string.Concat(page.Letters.Select(l => l.Value));
        Assert.Contains("千元档及以上", text);
        Assert.Contains("工作站", text);
    }
}
