using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Subsidy.Contracts;

namespace ContributionImport.Imports;

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
        // The fields as bytes, formatted nowhere: an amount enters as whole fen, so 500 and 500.00
        // are one amount, as they are to the database's own comparison of the rows.
        Span<byte> fields = stackalloc byte[4 * 4 + 8];
        BinaryPrimitives.WriteInt32LittleEndian(fields, record.Year);
        BinaryPrimitives.WriteInt32LittleEndian(fields[4..], (int)record.Item);
        BinaryPrimitives.WriteInt32LittleEndian(fields[8..], (int)record.Type);
        BinaryPrimitives.WriteInt32LittleEndian(fields[12..], record.PaidOn.DayNumber);
        BinaryPrimitives.WriteInt64LittleEndian(
            fields[16..],
            decimal.ToInt64(decimal.Round(record.Amount * 100m))
        );
        var hash = Fnv(14695981039346656037UL, idIndex);
        hash = Fnv(hash, MemoryMarshal.AsBytes(record.VillageCode.AsSpan()));
        return unchecked((long)Fnv(hash, fields));

        static ulong Fnv(ulong hash, ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
                hash = (hash ^ b) * 1099511628211UL;
            return (hash ^ '|') * 1099511628211UL;
        }
    }
}
