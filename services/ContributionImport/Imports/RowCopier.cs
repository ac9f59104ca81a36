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
/// Rows go in COPY's binary format (<see cref="CopyBinary"/>), gathered in a buffer of the
/// copier's own and handed to the connection a block at a time.
/// </remarks>
public sealed class RowCopier(NpgsqlConnection connection, Guid batchId, PersonalData personalData)
    : IAsyncDisposable
{
    private const string CopySql =
        $"COPY contribution_rows ({CopyBinary.Columns}) FROM STDIN (FORMAT BINARY)";

    private const int BufferLength = 1 << 16;

    private NpgsqlRawCopyStream? _segment;
    private readonly byte[] _buffer = new byte[BufferLength];
    private int _buffered;
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
        if (_segment is null)
        {
            _segment = connection.BeginRawBinaryCopy(CopySql);
            Append(CopyBinary.Header);
        }
        var (person, index) = Sealed(record);
        var key = DuplicateKeys.Of(record, index);
        var length = CopyBinary.MaxLength(record, person, index);
        if (_buffered + length > BufferLength)
            Send();
        if (length > BufferLength)
        {
            // A row larger than the buffer (a name of thousands of characters) goes on its own.
            var row = new byte[length];
            _segment.Write(row, 0, CopyBinary.Row(row, batchId, record, person, index, key));
        }
        else
            _buffered += CopyBinary.Row(
                _buffer.AsSpan(_buffered),
                batchId,
                record,
                person,
                index,
                key
            );
        _duplicates.Add(key);
        _villageRows[record.VillageCode] = _villageRows.GetValueOrDefault(record.VillageCode) + 1;
        Written++;
    }

    private string? _lastName,
        _lastIdNumber;
    private byte[] _lastPerson = [],
        _lastIndex = [];

    /// <summary>
    /// A person's rows follow one another in an export (a contribution, then its back payment), and
    /// the next row of the same person stores the same sealed value and index: sealing and indexing
    /// are most of a row's cost. Storing one ciphertext twice says only that the two rows are one
    /// person, which their equal indexes say anyway.
    /// </summary>
    private (byte[] Person, byte[] Index) Sealed(ContributionRecord record)
    {
        if (record.Name != _lastName || record.IdNumber != _lastIdNumber)
        {
            _lastIndex = personalData.IdIndex(record.IdNumber);
            _lastPerson = personalData.SealPerson(record.Name, record.IdNumber);
            _lastName = record.Name;
            _lastIdNumber = record.IdNumber;
        }
        return (_lastPerson, _lastIndex);
    }

    /// <summary>Ends the open segment, committing it; the next record starts another.</summary>
    public void Flush()
    {
        if (_segment is null)
            return;
        Append(CopyBinary.Trailer);
        Send();
        // Disposing the stream ends the COPY, which commits its rows.
        _segment.Dispose();
        _segment = null;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_buffered + bytes.Length > BufferLength)
            Send();
        bytes.CopyTo(_buffer.AsSpan(_buffered));
        _buffered += bytes.Length;
    }

    private void Send()
    {
        _segment!.Write(_buffer, 0, _buffered);
        _buffered = 0;
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
        _buffered = 0;
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
    /// <summary>16 MiB of keys: a city's export of up to two million rows fits; a larger one is
    /// left to the database.</summary>
    public const int Capacity = 1 << 21;

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
