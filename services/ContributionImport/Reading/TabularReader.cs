using System.Globalization;
using System.Text;
using MiniExcelLibs;
using Sylvan.Data.Csv;

namespace ContributionImport.Reading;

public enum FileFormat
{
    Csv,
    Xlsx,
}

/// <summary>A data row of an uploaded file: its row number as the user sees it (1-based) and its
/// cells as text.</summary>
public readonly record struct TabularRow(int RowNumber, string?[] Cells)
{
    public bool IsEmpty => Cells.All(string.IsNullOrWhiteSpace);
}

/// <summary>
/// Streams the rows of an uploaded CSV (UTF-8 with or without BOM, or GB18030/GBK, detected) or
/// XLSX (first sheet) file, one at a time, so memory does not grow with the file.
/// </summary>
public static class TabularReader
{
    private const int SniffLength = 64 * 1024;

    /// <summary>The longest row a CSV may have: a real export's rows are some 200 bytes; a file
    /// without line breaks is refused at this.</summary>
    public const int MaxRowBytes = 1 << 20;

    static TabularReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Gb18030 => Encoding.GetEncoding(54936);

    public static FileFormat DetectFormat(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4
            ? FileFormat.Xlsx
            : FileFormat.Csv;

    /// <summary>UTF-8 when the bytes carry its BOM or decode as UTF-8; otherwise GB18030 (a
    /// superset of GBK).</summary>
    public static Encoding DetectEncoding(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            return new UTF8Encoding(false);
        // A decoder that is not flushed keeps an incomplete trailing character back instead of
        // failing on it, so a sample cut inside a character still counts as UTF-8.
        try
        {
            new UTF8Encoding(false, throwOnInvalidBytes: true)
                .GetDecoder()
                .GetCharCount(head, flush: false);
            return new UTF8Encoding(false);
        }
        catch (DecoderFallbackException) { }
        return Gb18030;
    }

    public static IEnumerable<TabularRow> ReadCsv(Stream stream)
    {
        var head = new byte[SniffLength];
        var read = stream.ReadAtLeast(head, SniffLength, throwOnEndOfStream: false);
        var encoding = DetectEncoding(head.AsSpan(0, read));
        using var replay = new PrefixedStream(head.AsMemory(0, read), stream);
        using var text = new StreamReader(replay, encoding, detectEncodingFromByteOrderMarks: true);
        using var csv = CsvDataReader.Create(
            text,
            new CsvDataReaderOptions
            {
                HasHeaders = false,
                BufferSize = 1 << 16,
                MaxBufferSize = MaxRowBytes,
                ColumnStringFactory = new ColumnStringPool().GetString,
            }
        );
        var rowNumber = 0;
        while (csv.Read())
        {
            rowNumber++;
            var cells = new string?[csv.RowFieldCount];
            for (var i = 0; i < cells.Length; i++)
                cells[i] = csv.GetString(i);
            yield return new TabularRow(rowNumber, cells);
        }
    }

    /// <summary>The first sheet of a workbook; needs a seekable stream (a workbook is a zip read
    /// from its end).</summary>
    public static IEnumerable<TabularRow> ReadXlsx(Stream seekable)
    {
        var rowNumber = 0;
        foreach (IDictionary<string, object?> row in seekable.Query(useHeaderRow: false))
        {
            rowNumber++;
            yield return new TabularRow(rowNumber, row.Values.Select(CellText).ToArray());
        }
    }

    private static string? CellText(object? value) =>
        value switch
        {
            null => null,
            string s => s,
            DateTime d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            // Past 15 digits a number has lost its last ones (an ID number kept as a number): shown
            // as the spreadsheet shows it.
            double d when Math.Abs(d) >= 1e15 => d.ToString(
                "0.##############E+0",
                CultureInfo.InvariantCulture
            ),
            double d when d == Math.Floor(d) => ((long)d).ToString(CultureInfo.InvariantCulture),
            double d => ((decimal)d).ToString(CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
}

/// <summary>Replays the bytes already read for sniffing, then the rest of the original
/// stream.</summary>
public sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : ForwardReadStream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override int Read(Span<byte> buffer)
    {
        if (_prefix.IsEmpty)
            return rest.Read(buffer);
        var n = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..n].CopyTo(buffer);
        _prefix = _prefix[n..];
        return n;
    }

    public override ValueTask<int> ReadAsync(
        Memory<byte> buffer,
        CancellationToken cancellationToken = default
    )
    {
        if (_prefix.IsEmpty)
            return rest.ReadAsync(buffer, cancellationToken);
        return ValueTask.FromResult(Read(buffer.Span));
    }
}
