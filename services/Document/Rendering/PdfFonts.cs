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

    private XFont FontOf(char c) =>
        c < 0x2000
            ? PdfFonts.LatinCovered.Contains(c)
                ? _latinCommon
                : _latin
            : PdfFonts.CjkCovered.Contains(c)
                ? _cjkCommon
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

    /// <summary>Centred in <paramref name="box"/>; each run is measured once, for the centring and
    /// for placing the next.</summary>
    public void DrawCentred(XGraphics g, string text, XRect box)
    {
        var runs = Runs(text)
            .Select(r => (r.Text, r.Font, g.MeasureString(r.Text, r.Font).Width))
            .ToList();
        var x = box.X + (box.Width - runs.Sum(r => r.Width)) / 2;
        foreach (var (run, font, width) in runs)
        {
            g.DrawString(run, font, XBrushes.Black, x, box.Y + (box.Height + size * 0.7) / 2);
            x += width;
        }
    }
}
