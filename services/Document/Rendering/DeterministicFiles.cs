using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using PdfSharp.Pdf;

namespace Document.Rendering;

/// <summary>
/// The same data must give the same bytes (DESIGN §7, a document is identified by its SHA-256). The libraries
/// stamp files with the clock and random identifiers; these are replaced by values derived from the data.
/// </summary>
public static partial class DeterministicFiles
{
    public static byte[] Pdf(PdfDocument document, DateOnly issuedOn)
    {
        var date = issuedOn.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        document.Info.CreationDate = date;
        document.Info.ModificationDate = date;
        document.Internals.FirstDocumentID = Placeholder;
        document.Internals.SecondDocumentID = Placeholder;
        // Each PDF embeds a subset of the CJK font that still carries the font's full glyph index (~350 KB before
        // compression); compressing it at the default level was half the cost of a one-page form.
        document.Options.FlateEncodeMode = PdfFlateEncodeMode.BestSpeed;
        using var stream = new MemoryStream();
        document.Save(stream);
        // Font subset tags and XMP uuids are random; replacing them with equally long values keeps every offset valid.
        var text = Encoding.Latin1.GetString(stream.ToArray());
        text = Renumber(SubsetTag(), text, n => $"SUBS{(char)('A' + n / 26)}{(char)('A' + n % 26)}");
        text = Renumber(Uuid(), text, n => $"uuid:00000000-0000-0000-0000-{n + 1:000000000000}");
        // The document id is the content's hash, so two different documents never share one.
        var id = Convert.ToHexString(System.Security.Cryptography.MD5.HashData(Encoding.Latin1.GetBytes(text)));
        return Encoding.Latin1.GetBytes(text.Replace(Hex(Placeholder), Hex(id), StringComparison.Ordinal));
    }

    private static readonly string Placeholder = new('0', 32);

    /// <summary>How PDFsharp writes a document id in the trailer: the id's ASCII bytes in hex.</summary>
    private static string Hex(string id) => $"<{Convert.ToHexString(Encoding.ASCII.GetBytes(id))}>";

    /// <summary>Each distinct match becomes the n-th replacement, in order of first appearance.</summary>
    private static string Renumber(Regex pattern, string text, Func<int, string> replacement)
    {
        var seen = new Dictionary<string, string>();
        return pattern.Replace(text, m => seen.TryGetValue(m.Value, out var known) ? known : seen[m.Value] = replacement(seen.Count));
    }

    /// <summary>
    /// How every workbook is written. MiniExcel's default 512 KB write buffer made each 70-row 花名册 allocate some
    /// 15 MB and set off a full garbage collection; 16 KB writes the same bytes in a fifth of the time.
    /// </summary>
    public static MiniExcelLibs.OpenXml.OpenXmlConfiguration Workbook => new() { BufferSize = 16 * 1024 };

    /// <summary>An XLSX is a zip: the entries are copied into a new archive with one fixed timestamp.</summary>
    public static byte[] Zip(byte[] archive, DateOnly issuedOn)
    {
        var stamp = new DateTimeOffset(issuedOn.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
        using var source = new ZipArchive(new MemoryStream(archive), ZipArchiveMode.Read);
        using var output = new MemoryStream();
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            // Relationship ids are random GUIDs ("R" + 32 hex digits); they are numbered in order of appearance instead.
            // One numbering across all entries: a relationship id appears in the .rels file and in the part that uses it.
            var ids = new Dictionary<string, string>();
            foreach (var entry in source.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                using var from = entry.Open();
                using var buffer = new MemoryStream();
                from.CopyTo(buffer);
                var bytes = buffer.ToArray();
                if (entry.FullName.EndsWith(".xml", StringComparison.Ordinal) || entry.FullName.EndsWith(".rels", StringComparison.Ordinal))
                {
                    var xml = RelationshipId().Replace(Encoding.UTF8.GetString(bytes), m => ids.TryGetValue(m.Value, out var id) ? id : ids[m.Value] = $"R{ids.Count + 1:D32}");
                    bytes = new UTF8Encoding(false).GetBytes(xml);
                }
                var copy = target.CreateEntry(entry.FullName, CompressionLevel.Optimal);
                copy.LastWriteTime = stamp;
                using var to = copy.Open();
                to.Write(bytes);
            }
        }
        return output.ToArray();
    }

    [GeneratedRegex(@"\bR[0-9a-f]{32}\b")]
    private static partial Regex RelationshipId();

    [GeneratedRegex(@"(?<=/|\()[A-Z]{6}(?=\+)")]
    private static partial Regex SubsetTag();

    [GeneratedRegex(@"uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();
}
