using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData.Crypto;

namespace ContributionImport.Imports;

/// <summary>
/// The writing half of <see cref="RowCopier"/>: seals each record's person, COPYs it in
/// PostgreSQL's binary format (<see cref="CopyBinary"/>), gathered in a buffer of its own and
/// handed to the connection a block at a time, and counts what it wrote. Used by one thread at a
/// time.
/// </summary>
internal sealed class SegmentWriter(
    NpgsqlConnection connection,
    Guid batchId,
    PersonalData personalData
)
{
    private const string CopySql =
        $"COPY contribution_rows ({CopyBinary.Columns}) FROM STDIN (FORMAT BINARY)";

    private const int BufferLength = 1 << 16;

    private NpgsqlRawCopyStream? _segment;
    private readonly byte[] _buffer = new byte[BufferLength];
    private int _buffered;
    private readonly DuplicateScreen _duplicates = new();
    private readonly Dictionary<string, int> _villageRows = new(StringComparer.Ordinal);

    private string? _lastName,
        _lastIdNumber;
    private byte[] _lastPerson = [],
        _lastIndex = [];

    public long Written { get; private set; }

    public IReadOnlyDictionary<string, int> VillageRows => _villageRows;

    public bool MayHoldDuplicates() => _duplicates.MayHoldDuplicates();

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

    /// <summary>Ends the open segment, committing its rows.</summary>
    public void End()
    {
        if (_segment is null)
            return;
        Append(CopyBinary.Trailer);
        Send();
        var segment = _segment;
        // Gone either way: a COPY the server refused is over too, and rolled back.
        _segment = null;
        // Disposing the stream ends the COPY, which commits its rows.
        segment.Dispose();
    }

    /// <summary>An unfinished segment is cancelled: its rows are not committed.</summary>
    public async ValueTask CancelAsync()
    {
        _buffered = 0;
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
}
