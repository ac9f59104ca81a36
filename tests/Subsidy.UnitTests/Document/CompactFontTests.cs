using Document.Rendering;
using PdfSharp.Fonts;
using Subsidy.Contracts;
using UglyToad.PdfPig;

namespace Subsidy.UnitTests.Document;

public class CompactFontTests
{
    static CompactFontTests() => PdfFonts.Use();

    private static VillageYearData Village(string name) =>
        new(
            "360222106211",
            "蛟潭镇",
            "礼芳村",
            2026,
            "礼芳村股份经济合作社",
            new DateOnly(2026, 10, 12),
            new DateOnly(2026, 10, 12),
            new DateOnly(2026, 10, 18),
            [
                new SettlementLine(
                    "36022219800101002" + IdNumber.CheckCharacter("36022219800101002"),
                    name,
                    null,
                    500m,
                    500m,
                    300m,
                    null,
                    [],
                    null
                ),
            ]
        );

    private static (string Text, IReadOnlyList<string> Fonts) Read(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        var letters = document.GetPages().SelectMany(p => p.Letters).ToList();
        return (
            string.Concat(letters.Select(l => l.Value)),
            letters
                .Select(l => l.FontName ?? "")
                .Select(n => n[(n.IndexOf('+') + 1)..])
                .Distinct()
                .Order()
                .ToList()
        );
    }

    [Fact]
    public void The_cut_down_Chinese_font_has_every_common_character_and_not_the_rare_ones()
    {
        Assert.Subset(
            PdfFonts.CjkCovered.ToHashSet(),
            "城乡居民基本养老保险集体补助花名册壹贰叁肆伍陆柒捌玖拾佰仟万元整淼，（）：".ToHashSet()
        );
        Assert.DoesNotContain('喆', PdfFonts.CjkCovered);
        Assert.True(PdfFonts.CjkCovered.Count > 7000, $"{PdfFonts.CjkCovered.Count} characters");
        Assert.Subset(PdfFonts.LatinCovered.ToHashSet(), "0123456789X.-:ABCxyz·".ToHashSet());
    }

    [Fact]
    public void A_name_of_common_characters_is_drawn_from_the_cut_down_fonts_alone()
    {
        var (text, fonts) = Read(RosterDocument.Pdf(Village("张淼")));
        Assert.Contains("张淼", text);
        Assert.Equal(["DejaVu Sans Latin-1", "Droid Sans Fallback GB2312"], fonts);
    }

    [Fact]
    public void A_rare_character_in_a_name_is_drawn_from_the_full_font_and_reads_back()
    {
        var (text, fonts) = Read(
            FormDocuments.Application(
                Village("李喆") with
                {
                    Organisation = "礼芳村股份经济合作社（喆）",
                }
            )
        );
        Assert.Contains("（喆）", text);
        Assert.Contains("Droid Sans Fallback", fonts);
        Assert.Contains("Droid Sans Fallback GB2312", fonts);
    }

    [Fact]
    public void A_cut_down_PDF_is_far_smaller_than_one_carrying_the_full_fonts()
    {
        // With the full fonts' per-glyph tables a one-page form was well above this bound.
        Assert.True(FormDocuments.Application(Village("张三")).Length < 60_000);
    }

    [Theory]
    [InlineData(PdfFonts.CjkCommon, PdfFonts.CjkPath)]
    [InlineData(PdfFonts.LatinCommon, PdfFonts.LatinPath)]
    public void Every_character_of_a_cut_down_font_maps_to_its_own_outline_of_the_full_font(
        string face,
        string fullFont
    )
    {
        var (compact, full) = (
            GlobalFontSettings.FontResolver!.GetFont(face)!,
            File.ReadAllBytes(fullFont)
        );
        var (_, compactGlyph) = CompactFont.CharacterMap(compact);
        var (_, fullGlyph) = CompactFont.CharacterMap(full);
        var covered = face == PdfFonts.CjkCommon ? PdfFonts.CjkCovered : PdfFonts.LatinCovered;
        var compared = 0;
        foreach (var c in covered)
        {
            var (mine, theirs) = (
                CompactFont.Outline(compact, compactGlyph(c)),
                CompactFont.Outline(full, fullGlyph(c))
            );
            // Outlines are padded to four bytes in the cut-down font; a composite glyph's
            // components are renumbered.
            Assert.True(
                mine.Length >= theirs.Length
                    && mine.Length - theirs.Length < 4
                    && mine.AsSpan(theirs.Length).IndexOfAnyExcept((byte)0) < 0,
                $"U+{(int)c:X4}: outline of another size"
            );
            if (theirs.Length < 10 || (sbyte)theirs[0] >= 0)
                Assert.True(
                    theirs.AsSpan().SequenceEqual(mine.AsSpan(0, theirs.Length)),
                    $"U+{(int)c:X4} is drawn with another outline"
                );
            compared++;
        }
        Assert.Equal(covered.Count, compared);
        Assert.Equal(0, compactGlyph('喆'));
    }

    [Fact]
    public void The_cut_down_Chinese_font_finds_a_character_among_a_hundred_segments_not_thousands()
    {
        // PDFsharp walks the segments one by one for every character it measures or draws.
        var (segments, _) = CompactFont.CharacterMap(
            GlobalFontSettings.FontResolver!.GetFont(PdfFonts.CjkCommon)!
        );
        Assert.InRange(segments, 2, 128);
    }
}
