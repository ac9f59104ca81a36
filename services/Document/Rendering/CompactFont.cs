using System.Buffers.Binary;
using System.Text;

namespace Document.Rendering;

/// <summary>
/// A TrueType font cut down to a set of characters and renumbered. PDFsharp keeps a font's glyph
/// numbers in the subset it embeds, so every PDF carried the per-glyph tables of every glyph of
/// Droid Sans Fallback and DejaVu Sans (built and deflated again for each file) however few
/// characters it used. The common characters (GB 2312; Latin-1) come from the cut-down fonts, the
/// rare ones of some names from the full fonts.
/// </summary>
public static class CompactFont
{
    // Tables the PDF subset or the metrics need; the layout, vertical and glyph-name tables are
    // left out.
    private static readonly string[] CopiedTables = ["OS/2", "cvt ", "fpgm", "gasp", "prep"];

    /// <summary>Every character of the GB 2312 byte range (read as code page 936) at or above
    /// U+2000; below that the Latin font draws.</summary>
    public static IReadOnlyList<char> Gb2312Characters()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var gb2312 = Encoding.GetEncoding(
            936,
            EncoderFallback.ExceptionFallback,
            DecoderFallback.ReplacementFallback
        );
        var characters = new SortedSet<char>();
        Span<byte> pair = stackalloc byte[2];
        for (var high = 0xA1; high <= 0xF7; high++)
        {
            for (var low = 0xA1; low <= 0xFE; low++)
            {
                pair[0] = (byte)high;
                pair[1] = (byte)low;
                var text = gb2312.GetString(pair);
                if (text.Length == 1 && text[0] >= 0x2000 && text[0] != '\uFFFD')
                    characters.Add(text[0]);
            }
        }
        return characters.ToList();
    }

    /// <summary>The printable characters of Latin-1.</summary>
    public static IReadOnlyList<char> Latin1Characters() =>
        Enumerable
            .Range(0x20, 0x7F - 0x20)
            .Concat(Enumerable.Range(0xA0, 0x100 - 0xA0))
            .Select(c => (char)c)
            .ToList();

    /// <summary>
    /// The font with only <paramref name="characters"/> (those it has) and the glyphs they are
    /// built from, named
    /// <paramref name="familyName"/>: PDFsharp keeps fonts by name, and this one must not be taken
    /// for the full font.
    /// </summary>
    public static (byte[] Font, IReadOnlySet<char> Covered) Build(
        byte[] font,
        IEnumerable<char> characters,
        string familyName
    )
    {
        var tables = ReadTables(font);
        var head = Table(font, tables, "head");
        var hhea = Table(font, tables, "hhea");
        var maxp = Table(font, tables, "maxp");
        var hmtx = Table(font, tables, "hmtx");
        var glyf = Table(font, tables, "glyf");
        var glyphCount = BinaryPrimitives.ReadUInt16BigEndian(maxp[4..]);
        var horizontalMetrics = BinaryPrimitives.ReadUInt16BigEndian(hhea[34..]);
        var glyphStart = GlyphStarts(font, tables);

        var cmap = Format4Table(Table(font, tables, "cmap"));
        int lookup(char c) => Format4(cmap, c);
        var mapped = new SortedDictionary<char, int>();
        foreach (var c in characters)
        {
            var glyph = lookup(c);
            if (glyph > 0 && glyph < glyphCount)
                mapped[c] = glyph;
        }

        // The glyphs: .notdef, the characters' and, for composite glyphs, their components.
        var kept = new SortedSet<int> { 0 };
        var pending = new Stack<int>(mapped.Values);
        while (pending.TryPop(out var glyph))
        {
            if (!kept.Add(glyph))
                continue;
            foreach (
                var (component, _) in Components(glyf, glyphStart(glyph), glyphStart(glyph + 1))
            )
            {
                if (!kept.Contains(component))
                    pending.Push(component);
            }
        }
        var renumbered = kept.Select((old, position) => (old, position))
            .ToDictionary(p => p.old, p => p.position);

        var newGlyf = new MemoryStream();
        var newLoca = new byte[(kept.Count + 1) * 4];
        var newHmtx = new byte[kept.Count * 4];
        var index = 0;
        foreach (var old in kept)
        {
            BinaryPrimitives.WriteUInt32BigEndian(newLoca.AsSpan(index * 4), (uint)newGlyf.Length);
            var data = glyf[glyphStart(old)..glyphStart(old + 1)].ToArray();
            foreach (var (component, at) in Components(glyf, glyphStart(old), glyphStart(old + 1)))
            {
                BinaryPrimitives.WriteUInt16BigEndian(
                    data.AsSpan(at - glyphStart(old)),
                    (ushort)renumbered[component]
                );
            }
            newGlyf.Write(data);
            while (newGlyf.Length % 4 != 0)
                newGlyf.WriteByte(0);
            var metric = Math.Min(old, horizontalMetrics - 1);
            hmtx.Slice(metric * 4, 2).CopyTo(newHmtx.AsSpan(index * 4));
            var sideBearing =
                old < horizontalMetrics
                    ? hmtx.Slice(old * 4 + 2, 2)
                    : hmtx.Slice(horizontalMetrics * 4 + (old - horizontalMetrics) * 2, 2);
            sideBearing.CopyTo(newHmtx.AsSpan(index * 4 + 2));
            index++;
        }
        BinaryPrimitives.WriteUInt32BigEndian(newLoca.AsSpan(index * 4), (uint)newGlyf.Length);

        var newHead = head.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(newHead.AsSpan(8), 0); // checkSumAdjustment: not used in a PDF
        BinaryPrimitives.WriteInt16BigEndian(newHead.AsSpan(50), 1); // long loca offsets
        var newHhea = hhea.ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(newHhea.AsSpan(34), (ushort)kept.Count);
        var newMaxp = maxp.ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(newMaxp.AsSpan(4), (ushort)kept.Count);
        var post = new byte[32];
        Table(font, tables, "post")[..32].CopyTo(post);
        BinaryPrimitives.WriteUInt32BigEndian(post, 0x00030000); // no glyph names

        var output = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["cmap"] = Cmap(mapped.Select(m => (m.Key, renumbered[m.Value]))),
            ["glyf"] = newGlyf.ToArray(),
            ["head"] = newHead,
            ["hhea"] = newHhea,
            ["hmtx"] = newHmtx,
            ["loca"] = newLoca,
            ["maxp"] = newMaxp,
            ["post"] = post,
            ["name"] = Names(
                familyName,
                "Regular",
                familyName,
                familyName.Replace(" ", "", StringComparison.Ordinal)
            ),
        };
        foreach (var tag in CopiedTables.Where(tables.ContainsKey))
            output[tag] = Table(font, tables, tag).ToArray();
        return (Write(output), mapped.Keys.ToHashSet());
    }

    private static Dictionary<string, (int Offset, int Length)> ReadTables(byte[] font)
    {
        var count = BinaryPrimitives.ReadUInt16BigEndian(font.AsSpan(4));
        var tables = new Dictionary<string, (int, int)>();
        for (var i = 0; i < count; i++)
        {
            var record = font.AsSpan(12 + i * 16);
            tables[Encoding.ASCII.GetString(record[..4])] = (
                (int)BinaryPrimitives.ReadUInt32BigEndian(record[8..]),
                (int)BinaryPrimitives.ReadUInt32BigEndian(record[12..])
            );
        }
        return tables;
    }

    private static ReadOnlySpan<byte> Table(
        byte[] font,
        Dictionary<string, (int Offset, int Length)> tables,
        string tag
    ) =>
        tables.TryGetValue(tag, out var table)
            ? font.AsSpan(table.Offset, table.Length)
            : throw new InvalidDataException($"The font has no '{tag}' table.");

    /// <summary>A font's character map (Windows Unicode BMP, format 4): how many segments it has,
    /// and each character's glyph.</summary>
    public static (int Segments, Func<char, int> GlyphOf) CharacterMap(byte[] font)
    {
        var table = Format4Table(Table(font, ReadTables(font), "cmap"));
        return (BinaryPrimitives.ReadUInt16BigEndian(table.AsSpan(6)) / 2, c => Format4(table, c));
    }

    /// <summary>The outline of a glyph as the font stores it ('glyf' bytes).</summary>
    public static byte[] Outline(byte[] font, int glyph)
    {
        var tables = ReadTables(font);
        var start = GlyphStarts(font, tables);
        return Table(font, tables, "glyf")[start(glyph)..start(glyph + 1)].ToArray();
    }

    /// <summary>Where each glyph's outline starts in 'glyf', through 'loca' in its short or long
    /// form.</summary>
    private static Func<int, int> GlyphStarts(
        byte[] font,
        Dictionary<string, (int Offset, int Length)> tables
    )
    {
        var loca = Table(font, tables, "loca").ToArray();
        var longLoca = BinaryPrimitives.ReadInt16BigEndian(Table(font, tables, "head")[50..]) == 1;
        return glyph =>
            longLoca
                ? (int)BinaryPrimitives.ReadUInt32BigEndian(loca.AsSpan(glyph * 4))
                : BinaryPrimitives.ReadUInt16BigEndian(loca.AsSpan(glyph * 2)) * 2;
    }

    /// <summary>The Windows Unicode BMP subtable (format 4) of a 'cmap' table.</summary>
    private static byte[] Format4Table(ReadOnlySpan<byte> cmap)
    {
        var count = BinaryPrimitives.ReadUInt16BigEndian(cmap[2..]);
        for (var i = 0; i < count; i++)
        {
            var record = cmap[(4 + i * 8)..];
            var (platform, encoding, offset) = (
                BinaryPrimitives.ReadUInt16BigEndian(record),
                BinaryPrimitives.ReadUInt16BigEndian(record[2..]),
                (int)BinaryPrimitives.ReadUInt32BigEndian(record[4..])
            );
            if (
                platform != 3
                || encoding != 1
                || BinaryPrimitives.ReadUInt16BigEndian(cmap[offset..]) != 4
            )
                continue;
            return cmap[
                offset..(offset + BinaryPrimitives.ReadUInt16BigEndian(cmap[(offset + 2)..]))
            ]
                .ToArray();
        }
        throw new InvalidDataException(
            "The font has no Windows Unicode (3, 1) format 4 character map."
        );
    }

    private static int Format4(byte[] table, char c)
    {
        var segments = BinaryPrimitives.ReadUInt16BigEndian(table.AsSpan(6)) / 2;
        int End(int s) => BinaryPrimitives.ReadUInt16BigEndian(table.AsSpan(14 + s * 2));
        var starts = 16 + segments * 2;
        var deltas = starts + segments * 2;
        var rangeOffsets = deltas + segments * 2;
        for (var s = 0; s < segments; s++)
        {
            if (End(s) < c)
                continue;
            var start = BinaryPrimitives.ReadUInt16BigEndian(table.AsSpan(starts + s * 2));
            if (start > c)
                return 0;
            var delta = BinaryPrimitives.ReadUInt16BigEndian(table.AsSpan(deltas + s * 2));
            var rangeOffset = BinaryPrimitives.ReadUInt16BigEndian(
                table.AsSpan(rangeOffsets + s * 2)
            );
            if (rangeOffset == 0)
                return (c + delta) & 0xFFFF;
            var glyph = BinaryPrimitives.ReadUInt16BigEndian(
                table.AsSpan(rangeOffsets + s * 2 + rangeOffset + (c - start) * 2)
            );
            return glyph == 0 ? 0 : (glyph + delta) & 0xFFFF;
        }
        return 0;
    }

    /// <summary>A composite glyph's components, each with where its glyph number is
    /// written.</summary>
    private static List<(int Glyph, int At)> Components(ReadOnlySpan<byte> glyf, int start, int end)
    {
        var components = new List<(int, int)>();
        if (end - start < 10 || BinaryPrimitives.ReadInt16BigEndian(glyf[start..]) >= 0)
            return components;
        var at = start + 10;
        while (true)
        {
            var flags = BinaryPrimitives.ReadUInt16BigEndian(glyf[at..]);
            components.Add((BinaryPrimitives.ReadUInt16BigEndian(glyf[(at + 2)..]), at + 2));
            at += 4 + ((flags & 0x1) != 0 ? 4 : 2);
            at +=
                (flags & 0x8) != 0 ? 2
                : (flags & 0x40) != 0 ? 4
                : (flags & 0x80) != 0 ? 8
                : 0;
            if ((flags & 0x20) == 0)
                return components;
        }
    }

    /// <summary>
    /// A format 4 map with one segment per block of 256 characters. PDFsharp looks a character up
    /// by walking the segments from the first: a segment per run of consecutive glyphs made
    /// thousands of segments for GB 2312, and that walk was a large share of the document service's
    /// time. A block's characters that run on consecutive glyphs are one delta segment; any other
    /// block lists its glyphs (0 for the characters it lacks). The characters come in order.
    /// </summary>
    private static byte[] Cmap(IEnumerable<(char Character, int Glyph)> glyphs)
    {
        var segments = new List<(int Start, int End, int Delta, int[]? Glyphs)>();
        foreach (var block in glyphs.GroupBy(g => g.Character >> 8))
        {
            var (first, last) = (block.First(), block.Last());
            var consecutive = block
                .Select((g, i) => g.Character - first.Character == i && g.Glyph - first.Glyph == i)
                .All(x => x);
            if (consecutive)
            {
                segments.Add(
                    (first.Character, last.Character, first.Glyph - first.Character, null)
                );
                continue;
            }
            var listed = new int[last.Character - first.Character + 1];
            foreach (var (c, glyph) in block)
                listed[c - first.Character] = glyph;
            segments.Add((first.Character, last.Character, 0, listed));
        }
        segments.Add((0xFFFF, 0xFFFF, 1, null));
        var count = segments.Count;
        var listedGlyphs = segments.Sum(s => s.Glyphs?.Length ?? 0);
        var length = 16 + count * 8 + listedGlyphs * 2;
        if (length > ushort.MaxValue)
            throw new InvalidOperationException(
                $"A format 4 character map of {count} segments and {listedGlyphs} listed glyphs does not fit."
            );
        var table = new byte[12 + length];
        var span = table.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], 1); // one subtable
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], 3); // Windows
        BinaryPrimitives.WriteUInt16BigEndian(span[6..], 1); // Unicode BMP
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], 12);
        var sub = span[12..];
        BinaryPrimitives.WriteUInt16BigEndian(sub, 4);
        BinaryPrimitives.WriteUInt16BigEndian(sub[2..], (ushort)length);
        BinaryPrimitives.WriteUInt16BigEndian(sub[6..], (ushort)(count * 2));
        var power = 1 << (int)Math.Floor(Math.Log2(count));
        BinaryPrimitives.WriteUInt16BigEndian(sub[8..], (ushort)(power * 2));
        BinaryPrimitives.WriteUInt16BigEndian(sub[10..], (ushort)Math.Log2(power));
        BinaryPrimitives.WriteUInt16BigEndian(sub[12..], (ushort)(count * 2 - power * 2));
        var (ends, starts, deltas, rangeOffsets, listedAt) = (
            14,
            16 + count * 2,
            16 + count * 4,
            16 + count * 6,
            16 + count * 8
        );
        var listedSoFar = 0;
        for (var s = 0; s < count; s++)
        {
            var (start, end, delta, listed) = segments[s];
            BinaryPrimitives.WriteUInt16BigEndian(sub[(ends + s * 2)..], (ushort)end);
            BinaryPrimitives.WriteUInt16BigEndian(sub[(starts + s * 2)..], (ushort)start);
            BinaryPrimitives.WriteUInt16BigEndian(
                sub[(deltas + s * 2)..],
                (ushort)(delta & 0xFFFF)
            );
            if (listed is null)
                continue;
            // The offset counts from this segment's own idRangeOffset entry to its first listed
            // glyph.
            BinaryPrimitives.WriteUInt16BigEndian(
                sub[(rangeOffsets + s * 2)..],
                (ushort)(listedAt + listedSoFar * 2 - (rangeOffsets + s * 2))
            );
            foreach (var glyph in listed)
                BinaryPrimitives.WriteUInt16BigEndian(
                    sub[(listedAt + listedSoFar++ * 2)..],
                    (ushort)glyph
                );
        }
        return table;
    }

    /// <summary>A 'name' table with the family, style, full and PostScript names (Windows,
    /// Unicode).</summary>
    private static byte[] Names(params string[] names)
    {
        int[] ids = [1, 2, 4, 6];
        var strings = names.Select(Encoding.BigEndianUnicode.GetBytes).ToArray();
        var table = new byte[6 + ids.Length * 12 + strings.Sum(b => b.Length)];
        BinaryPrimitives.WriteUInt16BigEndian(table.AsSpan(2), (ushort)ids.Length);
        BinaryPrimitives.WriteUInt16BigEndian(table.AsSpan(4), (ushort)(6 + ids.Length * 12));
        var offset = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            var record = table.AsSpan(6 + i * 12);
            BinaryPrimitives.WriteUInt16BigEndian(record, 3);
            BinaryPrimitives.WriteUInt16BigEndian(record[2..], 1);
            BinaryPrimitives.WriteUInt16BigEndian(record[4..], 0x0409);
            BinaryPrimitives.WriteUInt16BigEndian(record[6..], (ushort)ids[i]);
            BinaryPrimitives.WriteUInt16BigEndian(record[8..], (ushort)strings[i].Length);
            BinaryPrimitives.WriteUInt16BigEndian(record[10..], (ushort)offset);
            strings[i].CopyTo(table, 6 + ids.Length * 12 + offset);
            offset += strings[i].Length;
        }
        return table;
    }

    private static byte[] Write(SortedDictionary<string, byte[]> tables)
    {
        var count = tables.Count;
        var power = 1 << (int)Math.Floor(Math.Log2(count));
        var output = new MemoryStream();
        var header = new byte[12 + count * 16];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0x00010000);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), (ushort)count);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), (ushort)(power * 16));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(8), (ushort)Math.Log2(power));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), (ushort)(count * 16 - power * 16));
        output.Write(header);
        var i = 0;
        foreach (var (tag, data) in tables)
        {
            var record = header.AsSpan(12 + i++ * 16);
            Encoding.ASCII.GetBytes(tag, record);
            BinaryPrimitives.WriteUInt32BigEndian(record[4..], Checksum(data));
            BinaryPrimitives.WriteUInt32BigEndian(record[8..], (uint)output.Length);
            BinaryPrimitives.WriteUInt32BigEndian(record[12..], (uint)data.Length);
            output.Write(data);
            while (output.Length % 4 != 0)
                output.WriteByte(0);
        }
        var bytes = output.ToArray();
        header.CopyTo(bytes, 0);
        return bytes;
    }

    private static uint Checksum(byte[] data)
    {
        uint sum = 0;
        for (var i = 0; i < data.Length; i += 4)
        {
            uint word = 0;
            for (var j = 0; j < 4; j++)
                word = (word << 8) | (i + j < data.Length ? data[i + j] : 0u);
            sum += word;
        }
        return sum;
    }
}
