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
        document.Internals.FirstDocumentID = "0".PadLeft(32, '0');
        document.Internals.SecondDocumentID = "0".PadLeft(32, '0');
        using var stream = new MemoryStream();
        document.Save(stream);
        // Font subset tags and XMP uuids are random; replacing them with equally long values keeps every offset valid.
        var text = Encoding.Latin1.GetString(stream.ToArray());
        var tags = new Dictionary<string, string>();
        text = SubsetTag().Replace(text, m => tags.TryGetValue(m.Value, out var tag) ? tag : tags[m.Value] = $"SUBS{(char)('A' + tags.Count / 26)}{(char)('A' + tags.Count % 26)}");
        var uuids = new Dictionary<string, string>();
        text = Uuid().Replace(text, m => uuids.TryGetValue(m.Value, out var uuid) ? uuid : uuids[m.Value] = $"uuid:00000000-0000-0000-0000-{uuids.Count + 1:000000000000}");
        var bytes = Encoding.Latin1.GetBytes(text);
        // Ensure the document id is the content's, so two different documents never share one.
        var id = Convert.ToHexString(System.Security.Cryptography.MD5.HashData(bytes));
        return Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(bytes).Replace($"<{Hex32Zeros}>", $"<{Convert.ToHexString(Encoding.ASCII.GetBytes(id))}>", StringComparison.Ordinal));
    }

    private static readonly string Hex32Zeros = Convert.ToHexString(Encoding.ASCII.GetBytes(new string('0', 32)));

    /// <summary>An XLSX is a zip: the entries are copied into a new archive with one fixed timestamp.</summary>
    public static byte[] Zip(byte[] archive, DateOnly issuedOn)
    {
        var stamp = new DateTimeOffset(issuedOn.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
        using var source = new ZipArchive(new MemoryStream(archive), ZipArchiveMode.Read);
        using var output = new MemoryStream();
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            // Relationship ids are random GUIDs ("R" + 32 hex digits); they are numbered in order of appearance instead.
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
