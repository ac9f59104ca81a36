using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using PdfSharp.Pdf;

namespace Document.Rendering;

/// <summary>
/// The same data must give the same bytes (docs/design/06-documents.md, a document is identified by
/// its SHA-256). The libraries stamp files with the clock and random identifiers; these are
/// replaced by values derived from the data.
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
        // Each PDF embeds font subsets: compressing them at the default level was a large part of a
        // one-page form's cost, and the fastest level costs only somewhat larger files.
        document.Options.FlateEncodeMode = PdfFlateEncodeMode.BestSpeed;
        using var stream = new MemoryStream();
        document.Save(stream);
        // Font subset tags and XMP uuids are random; replacing them in place with equally long
        // values keeps every offset valid. Done on the bytes: text copies of a whole PDF were most
        // of this step's cost.
        var bytes = stream.ToArray();
        var tags = new Dictionary<string, string>();
        foreach (var at in SubsetTags(bytes))
        {
            var tag = Encoding.ASCII.GetString(bytes, at, 6);
            if (!tags.TryGetValue(tag, out var replacement))
                tags[tag] = replacement =
                    $"SUBS{(char)('A' + tags.Count / 26)}{(char)('A' + tags.Count % 26)}";
            Encoding.ASCII.GetBytes(replacement, bytes.AsSpan(at, 6));
        }
        var uuids = new Dictionary<string, string>();
        foreach (var at in Uuids(bytes))
        {
            var uuid = Encoding.ASCII.GetString(bytes, at, UuidLength);
            if (!uuids.TryGetValue(uuid, out var replacement))
                uuids[uuid] = replacement =
                    $"uuid:00000000-0000-0000-0000-{uuids.Count + 1:000000000000}";
            Encoding.ASCII.GetBytes(replacement, bytes.AsSpan(at, UuidLength));
        }
        // The document id is the content's hash, so two different documents never share one.
        var id = Encoding.ASCII.GetBytes(
            Hex(Convert.ToHexString(System.Security.Cryptography.MD5.HashData(bytes)))
        );
        var placeholder = Encoding.ASCII.GetBytes(Hex(Placeholder));
        for (var at = bytes.AsSpan().IndexOf(placeholder); at >= 0; )
        {
            id.CopyTo(bytes.AsSpan(at));
            var next = bytes.AsSpan(at + id.Length).IndexOf(placeholder);
            at = next < 0 ? -1 : at + id.Length + next;
        }
        return bytes;
    }

    private static readonly string Placeholder = new('0', 32);

    /// <summary>How PDFsharp writes a document id in the trailer: the id's ASCII bytes in
    /// hex.</summary>
    private static string Hex(string id) => $"<{Convert.ToHexString(Encoding.ASCII.GetBytes(id))}>";

    /// <summary>Where a font subset tag starts: six capitals after '/' or '(' and before '+'
    /// ("/ABCDEF+DroidSans").</summary>
    private static IEnumerable<int> SubsetTags(byte[] bytes)
    {
        for (
            var plus = Array.IndexOf(bytes, (byte)'+', 7);
            plus >= 0;
            plus = plus + 1 < bytes.Length ? Array.IndexOf(bytes, (byte)'+', plus + 1) : -1
        )
        {
            var start = plus - 6;
            if (bytes[start - 1] is not ((byte)'/' or (byte)'('))
                continue;
            if (bytes.AsSpan(start, 6).ContainsAnyExceptInRange((byte)'A', (byte)'Z'))
                continue;
            yield return start;
        }
    }

    private const int UuidLength = 41; // "uuid:" and 8-4-4-4-12 hex digits

    /// <summary>Where an XMP uuid ("uuid:" and 36 lower-case hex digits and dashes)
    /// starts.</summary>
    private static IEnumerable<int> Uuids(byte[] bytes)
    {
        var prefix = "uuid:"u8.ToArray();
        for (var at = bytes.AsSpan().IndexOf(prefix); at >= 0; )
        {
            if (at + UuidLength <= bytes.Length && IsUuid(bytes.AsSpan(at + 5, 36)))
                yield return at;
            var next = at + 1 < bytes.Length ? bytes.AsSpan(at + 1).IndexOf(prefix) : -1;
            at = next < 0 ? -1 : at + 1 + next;
        }

        static bool IsUuid(ReadOnlySpan<byte> text)
        {
            for (var i = 0; i < text.Length; i++)
            {
                var dash = i is 8 or 13 or 18 or 23;
                if (
                    dash
                        ? text[i] != '-'
                        : !(
                            char.IsAsciiDigit((char)text[i])
                            || text[i] is >= (byte)'a' and <= (byte)'f'
                        )
                )
                    return false;
            }
            return true;
        }
    }

    /// <summary>
    /// How every workbook is written. MiniExcel's default write buffer is far larger than a
    /// roster's workbook: each 花名册 allocated many times its own size and set off a full garbage
    /// collection; a small buffer writes the same bytes in much less time.
    /// </summary>
    public static MiniExcelLibs.OpenXml.OpenXmlConfiguration Workbook =>
        new() { BufferSize = 16 * 1024 };

    /// <summary>A workbook whose numeric columns carry Excel number formats, by column key (a
    /// letter, or a header where the sheet has one): numbers stay numbers a spreadsheet sums, shown
    /// as the format says.</summary>
    public static MiniExcelLibs.OpenXml.OpenXmlConfiguration WorkbookWith(
        IEnumerable<KeyValuePair<string, string>> formats
    )
    {
        var configuration = Workbook;
        configuration.DynamicColumns = formats
            .Select(f => new MiniExcelLibs.Attributes.DynamicExcelColumn(f.Key)
            {
                Format = f.Value,
            })
            .ToArray();
        return configuration;
    }

    /// <summary>An XLSX is a zip: the entries are copied into a new archive with one fixed
    /// timestamp.</summary>
    public static byte[] Zip(byte[] archive, DateOnly issuedOn)
    {
        var stamp = new DateTimeOffset(issuedOn.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
        using var source = new ZipArchive(new MemoryStream(archive), ZipArchiveMode.Read);
        using var output = new MemoryStream();
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            // Relationship ids are random GUIDs ("R" + 32 hex digits); they are numbered in order
            // of appearance instead. One numbering across all entries: a relationship id appears in
            // the .rels file and in the part that uses it.
            var ids = new Dictionary<string, string>();
            foreach (var entry in source.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                using var from = entry.Open();
                using var buffer = new MemoryStream();
                from.CopyTo(buffer);
                var bytes = buffer.ToArray();
                if (
                    entry.FullName.EndsWith(".xml", StringComparison.Ordinal)
                    || entry.FullName.EndsWith(".rels", StringComparison.Ordinal)
                )
                {
                    var xml = RelationshipId()
                        .Replace(Encoding.UTF8.GetString(bytes), m =>
                            ids.TryGetValue(m.Value, out var id)
                                ? id
                                : ids[m.Value] = $"R{ids.Count + 1:D32}"
                        );
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
}
