using PdfSharp.Drawing;
using PdfSharp.Fonts;

namespace Document.Rendering;

/// <summary>
/// The fonts embedded in every PDF, from Debian's packages: Droid Sans Fallback for Chinese (a
/// plain TrueType file; PDFsharp cannot read the .ttc collections or CFF outlines of the Noto CJK
/// packages) and DejaVu Sans for the digits and Latin letters that Droid Sans Fallback does not
/// have.
/// </summary>
public sealed class PdfFonts : IFontResolver
{
    public const string Cjk = "cjk";
    public const string CjkCommon = "cjk-common";
    public const string Latin = "latin";
    public const string LatinCommon = "latin-common";
    public const string CjkPath = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf";
    public const string LatinPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    private static readonly Lock Gate = new();
    private readonly Dictionary<string, byte[]> _faces;

    private PdfFonts(Dictionary<string, byte[]> faces) => _faces = faces;

    /// <summary>The characters drawn from the cut-down fonts (<see cref="CompactFont"/>); others
    /// from the full ones.</summary>
    public static IReadOnlySet<char> CjkCovered { get; private set; } = new HashSet<char>();

    public static IReadOnlySet<char> LatinCovered { get; private set; } = new HashSet<char>();

    /// <summary>Whether the full Latin font has a glyph for a character: punctuation such as "—"
    /// sits above U+2000 but only DejaVu Sans draws it.</summary>
    public static Func<char, bool> LatinHas { get; private set; } = _ => false;

    /// <summary>Whether the full Chinese font has a glyph for a character.</summary>
    public static Func<char, bool> CjkHas { get; private set; } = _ => false;

    /// <summary>PDFsharp's resolver is process-wide: set once.</summary>
    public static void Use()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is PdfFonts)
                return;
            var (cjkPath, latinPath) = (Locate(CjkPath), Locate(LatinPath));
            foreach (var file in new[] { cjkPath, latinPath })
            {
                if (!File.Exists(file))
                    throw new FileNotFoundException(
                        $"Font {file} is missing: install fonts-droid-fallback and fonts-dejavu-core (scripts/setup.sh).",
                        file
                    );
            }
            var (cjk, latin) = (File.ReadAllBytes(cjkPath), File.ReadAllBytes(latinPath));
            var (cjkCommon, cjkCovered) = CompactFont.Build(
                cjk,
                CompactFont.Gb2312Characters(),
                "Droid Sans Fallback GB2312"
            );
            var (latinCommon, latinCovered) = CompactFont.Build(
                latin,
                CompactFont.Latin1Characters(),
                "DejaVu Sans Latin-1"
            );
            (CjkCovered, LatinCovered) = (cjkCovered, latinCovered);
            var (latinMap, cjkMap) = (
                CompactFont.CharacterMap(latin).GlyphOf,
                CompactFont.CharacterMap(cjk).GlyphOf
            );
            (LatinHas, CjkHas) = (c => latinMap(c) != 0, c => cjkMap(c) != 0);
            GlobalFontSettings.FontResolver = new PdfFonts(
                new()
                {
                    [Cjk] = cjk,
                    [CjkCommon] = cjkCommon,
                    [Latin] = latin,
                    [LatinCommon] = latinCommon,
                }
            );
        }
    }

    /// <summary>
    /// The Debian package's file, or where a container image has no such package the same file
    /// published beside the service (fonts/, copied from the build machine by Document.csproj).
    /// </summary>
    public static string Locate(string systemPath)
    {
        if (File.Exists(systemPath))
            return systemPath;
        var published = Path.Combine(
            AppContext.BaseDirectory,
            "fonts",
            Path.GetFileName(systemPath)
        );
        return File.Exists(published) ? published : systemPath;
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
        new(_faces.ContainsKey(familyName) ? familyName : Cjk, isBold, false);

    public byte[] GetFont(string faceName) => _faces.GetValueOrDefault(faceName, _faces[Cjk]);
}

/// <summary>
/// Text drawn in runs, side by side on one baseline: Latin letters and digits in the Latin font,
/// Chinese in the CJK font, each from its cut-down face and the rare characters of some names from
/// the full one.
/// </summary>
public sealed class MixedFont(double size)
{
    private readonly XFont _cjk = new(PdfFonts.Cjk, size);
    private readonly XFont _cjkCommon = new(PdfFonts.CjkCommon, size);
    private readonly XFont _latin = new(PdfFonts.Latin, size);
    private readonly XFont _latinCommon = new(PdfFonts.LatinCommon, size);

    private IEnumerable<(string Text, XFont Font)> Runs(string text)
    {
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || FontOf(text[i]) != FontOf(text[start]))
            {
                yield return (text[start..i], FontOf(text[start]));
                start = i;
            }
        }
    }

    public double Size => size;

    /// <summary>The first face that has the character's glyph: the cut-down ones, then the full
    /// ones; below U+2000 the Latin font first. A character no face has falls to the full Chinese
    /// font (and shows as its empty box: the glyph test of every document kind catches it).</summary>
    private XFont FontOf(char c) =>
        c < 0x2000
            ? PdfFonts.LatinCovered.Contains(c)
                ? _latinCommon
                : PdfFonts.LatinHas(c)
                    ? _latin
                    : PdfFonts.CjkCovered.Contains(c)
                        ? _cjkCommon
                        : _cjk
            : PdfFonts.CjkCovered.Contains(c)
                ? _cjkCommon
                : PdfFonts.CjkHas(c)
                    ? _cjk
                    : PdfFonts.LatinCovered.Contains(c)
                        ? _latinCommon
                        : PdfFonts.LatinHas(c)
                            ? _latin
                            : _cjk;

    public double Width(XGraphics g, string text) =>
        Runs(text).Sum(r => g.MeasureString(r.Text, r.Font).Width);

    /// <summary>Draws from <paramref name="x"/> on the baseline <paramref
    /// name="baseline"/>.</summary>
    public void Draw(XGraphics g, string text, double x, double baseline)
    {
        var runs = Runs(text).ToList();
        for (var i = 0; i < runs.Count; i++)
        {
            g.DrawString(runs[i].Text, runs[i].Font, XBrushes.Black, x, baseline);
            if (i < runs.Count - 1)
                x += g.MeasureString(runs[i].Text, runs[i].Font).Width;
        }
    }

    /// <summary>
    /// Centred in <paramref name="box"/>, broken into as many lines as the box's height holds when
    /// one line is wider than the box (Chinese breaks between any two characters; a run of digits
    /// or letters is kept whole), and drawn smaller when even that does not fit: nothing crosses the
    /// cell's borders.
    /// </summary>
    public void DrawFitted(XGraphics g, string text, XRect box, double padding = 2)
    {
        var room = box.Width - 2 * padding;
        // Most cells fit: their runs are measured once, for the test and for the drawing.
        var runs = Measured(g, text);
        if (runs.Sum(r => r.Width) <= room)
        {
            DrawCentred(g, runs, box);
            return;
        }
        for (var face = this; face.Size >= 4; face = new MixedFont(face.Size - 0.5))
        {
            var lineHeight = face.Size * 1.15;
            var fit = (int)Math.Floor((box.Height - 2) / lineHeight);
            var lines = face.Lines(g, text, room);
            if (lines.Count <= Math.Max(fit, 1) && lines.All(l => face.Width(g, l) <= room))
            {
                var top = box.Y + (box.Height - lines.Count * lineHeight) / 2;
                for (var i = 0; i < lines.Count; i++)
                    face.DrawCentred(
                        g,
                        lines[i],
                        new XRect(box.X, top + i * lineHeight, box.Width, lineHeight)
                    );
                return;
            }
        }
        new MixedFont(4).DrawCentred(g, text, box);
    }

    /// <summary>The text in lines no wider than <paramref name="room"/>, broken before a Chinese
    /// character or between runs of Latin letters and digits.</summary>
    private List<string> Lines(XGraphics g, string text, double room)
    {
        var pieces = new List<string>();
        var latin = new System.Text.StringBuilder();
        foreach (var c in text)
        {
            if (c < 0x2000 && c != ' ')
            {
                latin.Append(c);
                continue;
            }
            if (latin.Length > 0)
                pieces.Add(latin.ToString());
            latin.Clear();
            pieces.Add(c.ToString());
        }
        if (latin.Length > 0)
            pieces.Add(latin.ToString());
        var lines = new List<string>();
        var line = "";
        foreach (var piece in pieces)
        {
            if (line.Length > 0 && Width(g, line + piece) > room)
            {
                lines.Add(line.TrimEnd());
                line = piece.TrimStart();
            }
            else
                line += piece;
        }
        if (line.Length > 0)
            lines.Add(line);
        return lines;
    }

    private List<(string Text, XFont Font, double Width)> Measured(XGraphics g, string text) =>
        Runs(text).Select(r => (r.Text, r.Font, g.MeasureString(r.Text, r.Font).Width)).ToList();

    /// <summary>Centred in <paramref name="box"/>; each run is measured once, for the centring and
    /// for placing the next.</summary>
    public void DrawCentred(XGraphics g, string text, XRect box) =>
        DrawCentred(g, Measured(g, text), box);

    private void DrawCentred(
        XGraphics g,
        List<(string Text, XFont Font, double Width)> runs,
        XRect box
    )
    {
        var x = box.X + (box.Width - runs.Sum(r => r.Width)) / 2;
        foreach (var (run, font, width) in runs)
        {
            g.DrawString(run, font, XBrushes.Black, x, box.Y + (box.Height + size * 0.7) / 2);
            x += width;
        }
    }
}
