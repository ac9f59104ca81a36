using System.Globalization;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData.Crypto;

namespace ContributionImport.Imports;

/// <summary>
/// COPYs a batch's records into contribution_rows in segments, each committed when it ends. A
/// segment ends when <see cref="Flush"/> is called — before the reader waits on the uploading
/// client — so no transaction stays open while a client stalls
/// (docs/design/08-access-and-roles.md). Rows of a batch count only once the batch is accepted; a
/// rejected or abandoned batch's rows are deleted (<see cref="DeleteAsync"/>), and a batch taken up
/// again starts from none.
/// </summary>
/// <remarks>
/// COPY's text format, written here field by field into the stream's own buffer: the import's
/// thread is the busiest of an upload, and the binary importer's per-field type binding cost it
/// more than PostgreSQL's parsing of the text costs the server (docs/benchmarks.md, the import
/// benchmark).
/// </remarks>
public sealed class RowCopier(NpgsqlConnection connection, Guid batchId, PersonalData personalData)
    : IAsyncDisposable
{
    private const string CopySql = """
        COPY contribution_rows (batch_id, row_no, person, id_index, village_code, year, item,
            pay_type, tier, amount, paid_on, identity, special_group, receiving_benefits,
            duplicate_key)
        FROM STDIN (FORMAT TEXT)
        """;

    private NpgsqlCopyTextWriter? _segment;
    private readonly string _batchId = batchId.ToString();
    private readonly DuplicateScreen _duplicates = new();
    private readonly Dictionary<string, int> _villageRows = new(StringComparer.Ordinal);

    public long Written { get; private set; }

    /// <summary>How many records of each village were written: what the acceptance announces,
    /// without counting them again in SQL.</summary>
    public IReadOnlyDictionary<string, int> VillageRows => _villageRows;

    /// <summary>False when no two records written can be the same record, so the database need not
    /// be asked.</summary>
    public bool MayHoldDuplicates() => _duplicates.MayHoldDuplicates();

    /// <summary>
    /// Synchronous writes: the writer buffers and flushes in large blocks, and an awaited call per
    /// field costs more than the copying itself. This runs on the import's own worker thread, never
    /// on a request thread.
    /// </summary>
    public void Write(ContributionRecord record)
    {
        var rows = _segment ??= (NpgsqlCopyTextWriter)connection.BeginTextImport(CopySql);
        var index = personalData.IdIndex(record.IdNumber);
        var key = DuplicateKeys.Of(record, index);
        CopyText.Row(
            rows,
            _batchId,
            record,
            personalData.SealPerson(record.Name, record.IdNumber),
            index,
            key
        );
        _duplicates.Add(key);
        _villageRows[record.VillageCode] = _villageRows.GetValueOrDefault(record.VillageCode) + 1;
        Written++;
    }

    /// <summary>Ends the open segment, committing it; the next record starts another.</summary>
    public void Flush()
    {
        if (_segment is null)
            return;
        // Disposing the writer ends the COPY, which commits its rows.
        _segment.Dispose();
        _segment = null;
    }

    /// <summary>A batch that does not count leaves no rows.</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken)
    {
        await DisposeSegmentAsync();
        await using var delete = new NpgsqlCommand(
            "DELETE FROM contribution_rows WHERE batch_id = @batchId",
            connection
        );
        delete.Parameters.AddWithValue("batchId", batchId);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>An unfinished segment is cancelled: its rows are not committed.</summary>
    private async ValueTask DisposeSegmentAsync()
    {
        if (_segment is null)
            return;
        try
        {
            await _segment.CancelAsync();
        }
        finally
        {
            await _segment.DisposeAsync();
            _segment = null;
        }
    }

    public ValueTask DisposeAsync() => DisposeSegmentAsync();
}

/// <summary>One record as a line of COPY's text format: tab-separated, \N for null, special
/// characters escaped. Pure.</summary>
public static class CopyText
{
    private static readonly System.Buffers.SearchValues<char> Special =
        System.Buffers.SearchValues.Create("\\\t\n\r");

    public static void Row(
        TextWriter line,
        string batchId,
        ContributionRecord record,
        byte[] person,
        byte[] idIndex,
        long duplicateKey
    )
    {
        Span<char> number = stackalloc char[40];
        line.Write(batchId);
        line.Write('\t');
        Integer(line, record.RowNumber, number);
        Bytes(line, person);
        Bytes(line, idIndex);
        Text(line, record.VillageCode);
        Integer(line, record.Year, number);
        Integer(line, (int)record.Item, number);
        Integer(line, (int)record.Type, number);
        if (record.Tier is { } tier)
            Money(line, tier, number);
        else
            Null(line);
        Money(line, record.Amount, number);
        record.PaidOn.TryFormat(
            number,
            out var written,
            "yyyy-MM-dd",
            CultureInfo.InvariantCulture
        );
        line.Write(number[..written]);
        line.Write('\t');
        if (record.Identity is { } identity)
            Text(line, identity);
        else
            Null(line);
        if (record.SpecialGroup is { } group)
            Integer(line, (int)group, number);
        else
            Null(line);
        line.Write(record.ReceivingBenefits ? "t\t" : "f\t");
        duplicateKey.TryFormat(number, out written, provider: CultureInfo.InvariantCulture);
        line.Write(number[..written]);
        line.Write('\n');
    }

    private static void Integer(TextWriter line, int value, Span<char> buffer)
    {
        value.TryFormat(buffer, out var written, provider: CultureInfo.InvariantCulture);
        line.Write(buffer[..written]);
        line.Write('\t');
    }

    private static void Money(TextWriter line, decimal value, Span<char> buffer)
    {
        value.TryFormat(buffer, out var written, provider: CultureInfo.InvariantCulture);
        line.Write(buffer[..written]);
        line.Write('\t');
    }

    private static void Null(TextWriter line) => line.Write("\\N\t");

    /// <summary>bytea in COPY's text format: \\x and hex digits (the backslash escaped).</summary>
    private static void Bytes(TextWriter line, ReadOnlySpan<byte> value)
    {
        Span<char> hex = stackalloc char[value.Length * 2];
        Convert.TryToHexStringLower(value, hex, out _);
        line.Write("\\\\x");
        line.Write(hex);
        line.Write('\t');
    }

    /// <summary>A value holding a backslash, tab or line break is escaped; any other is written as
    /// it is.</summary>
    private static void Text(TextWriter line, string value)
    {
        if (value.AsSpan().IndexOfAny(Special) < 0)
        {
            line.Write(value);
        }
        else
        {
            foreach (var c in value)
            {
                line.Write(
                    c switch
                    {
                        '\\' => "\\\\",
                        '\t' => "\\t",
                        '\n' => "\\n",
                        '\r' => "\\r",
                        _ => null,
                    } ?? c.ToString()
                );
            }
        }
        line.Write('\t');
    }
}

/// <summary>
/// Screens a batch's duplicate keys as they are written: a county's export (tens of thousands of
/// rows) is known to hold no repeated record without asking the database to group every row. The
/// keys are kept in an array and sorted once at the end, which costs far less than a hash set's
/// insert per row on the import's busiest thread. A key seen twice (a repeat, or two records whose
/// keys collide) leaves the decision to the database, and so does a file past
/// <see cref="Capacity"/> keys, so the memory it takes stays bounded however large the file.
/// </summary>
public sealed class DuplicateScreen
{
    /// <summary>4 MiB of keys: every county's export fits; a city-sized one is left to the
    /// database.</summary>
    public const int Capacity = 1 << 19;

    private long[]? _keys = new long[1 << 12];
    private int _count;

    public void Add(long key)
    {
        if (_keys is null)
            return;
        if (_count == _keys.Length)
        {
            if (_count == Capacity)
            {
                _keys = null;
                return;
            }
            Array.Resize(ref _keys, Math.Min(_count * 2, Capacity));
        }
        _keys[_count++] = key;
    }

    /// <summary>Whether two written records may be the same one (asked once, when the batch has
    /// been read).</summary>
    public bool MayHoldDuplicates()
    {
        if (_keys is null)
            return true;
        var keys = _keys.AsSpan(0, _count);
        keys.Sort();
        for (var i = 1; i < keys.Length; i++)
        {
            if (keys[i] == keys[i - 1])
                return true;
        }
        return false;
    }
}

/// <summary>Two rows are the same record when their person, village, year, item, type, amount and
/// date agree.</summary>
public static class DuplicateKeys
{
    /// <summary>FNV-1a over the fields that make two rows the same record, the person taken by
    /// the blind index of the ID number (<paramref name="idIndex"/>), never the number itself: the
    /// key is stored, and a hash of a number and a few known fields would give the number away to
    /// anyone trying the possible ones. Equal records always share it.</summary>
    public static long Of(ContributionRecord record, ReadOnlySpan<byte> idIndex)
    {
        var hash = 14695981039346656037UL;
        void Add(ReadOnlySpan<char> text)
        {
            foreach (var c in text)
                hash = (hash ^ c) * 1099511628211UL;
            hash = (hash ^ '|') * 1099511628211UL;
        }
        foreach (var b in idIndex)
            hash = (hash ^ b) * 1099511628211UL;
        hash = (hash ^ '|') * 1099511628211UL;
        Add(record.VillageCode);
        Span<char> buffer = stackalloc char[32];
        Add(buffer[..Format(record.Year, buffer)]);
        Add(buffer[..Format((int)record.Item, buffer)]);
        Add(buffer[..Format((int)record.Type, buffer)]);
        record.Amount.TryFormat(
            buffer,
            out var written,
            "0.00",
            System.Globalization.CultureInfo.InvariantCulture
        );
        Add(buffer[..written]);
        Add(buffer[..Format(record.PaidOn.DayNumber, buffer)]);
        return unchecked((long)hash);

        static int Format(int value, Span<char> into)
        {
            value.TryFormat(
                into,
                out var n,
                provider: System.Globalization.CultureInfo.InvariantCulture
            );
            return n;
        }
    }
}
