using PdfSharp.Drawing;
using PdfSharp.Fonts;

namespace Document.Rendering;

/// <summary>
/// The fonts embedded in every PDF, from Debian's packages: Droid Sans Fallback for Chinese (a plain TrueType file;
/// PDFsharp cannot read the .ttc collections or CFF outlines of the Noto CJK packages) and DejaVu Sans for the
/// digits and Latin letters that Droid Sans Fallback does not have.
/// </summary>
public sealed class PdfFonts : IFontResolver
{
    public const string Cjk = "cjk";
    public const string Latin = "latin";
    public const string CjkPath = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf";
    public const string LatinPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    private static readonly Lock Gate = new();
    private readonly byte[] _cjk;
    private readonly byte[] _latin;

    private PdfFonts(byte[] cjk, byte[] latin) => (_cjk, _latin) = (cjk, latin);

    /// <summary>PDFsharp's resolver is process-wide: set once.</summary>
    public static void Use()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is PdfFonts) return;
            foreach (var file in new[] { CjkPath, LatinPath })
            {
                if (!File.Exists(file)) throw new FileNotFoundException($"Font {file} is missing: install fonts-droid-fallback and fonts-dejavu-core (scripts/setup.sh).", file);
            }
            GlobalFontSettings.FontResolver = new PdfFonts(File.ReadAllBytes(CjkPath), File.ReadAllBytes(LatinPath));
        }
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool isBold, bool isItalic) => new(familyName == Latin ? Latin : Cjk, isBold, false);

    public byte[] GetFont(string faceName) => faceName == Latin ? _latin : _cjk;
}

/// <summary>Text drawn in runs: Chinese in the CJK font, ASCII in the Latin one, side by side on one baseline.</summary>
public sealed class MixedFont(double size)
{
    private readonly XFont _cjk = new(PdfFonts.Cjk, size);
    private readonly XFont _latin = new(PdfFonts.Latin, size);

    private IEnumerable<(string Text, XFont Font)> Runs(string text)
    {
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || IsLatin(text[i]) != IsLatin(text[start]))
            {
                yield return (text[start..i], IsLatin(text[start]) ? _latin : _cjk);
                start = i;
            }
        }
    }

    private static bool IsLatin(char c) => c < 0x2000;

    public double Width(XGraphics g, string text) => Runs(text).Sum(r => g.MeasureString(r.Text, r.Font).Width);

    /// <summary>Draws from <paramref name="x"/> on the baseline <paramref name="baseline"/>.</summary>
    public void Draw(XGraphics g, string text, double x, double baseline)
    {
        foreach (var (run, font) in Runs(text))
        {
            g.DrawString(run, font, XBrushes.Black, x, baseline);
            x += g.MeasureString(run, font).Width;
        }
    }

    public void DrawCentred(XGraphics g, string text, XRect box) =>
        Draw(g, text, box.X + (box.Width - Width(g, text)) / 2, box.Y + (box.Height + size * 0.7) / 2);
}
