using System.Buffers.Binary;
using System.Text;
using Subsidy.Contracts;

namespace ContributionImport.Imports;

/// <summary>
/// One record as a tuple of COPY's binary format (PostgreSQL's documentation, "COPY", binary
/// format): a field count, then each field as its length and its value in the type's send format,
/// big-endian. Pure.
/// </summary>
/// <remarks>
/// Binary, written byte by byte here rather than through Npgsql's binary importer: the server
/// takes each value as it is (no text to parse, no hex to decode for the sealed columns), which
/// made the import's share of the database's work smaller than that of a plain <c>\copy</c> of
/// the text, and the importer's per-field type lookup had cost the import's busiest thread more
/// than the text format did (docs/benchmarks.md, the import benchmark).
/// </remarks>
public static class CopyBinary
{
    /// <summary>The file header: signature, flags and an empty header extension.</summary>
    public static ReadOnlySpan<byte> Header =>
        [
            (byte)'P',
            (byte)'G',
            (byte)'C',
            (byte)'O',
            (byte)'P',
            (byte)'Y',
            (byte)'\n',
            0xFF,
            (byte)'\r',
            (byte)'\n',
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
        ];

    /// <summary>The file trailer: a field count of -1.</summary>
    public static ReadOnlySpan<byte> Trailer => [0xFF, 0xFF];

    /// <summary>contribution_rows' columns in the order <see cref="Row"/> writes them.</summary>
    public const string Columns = """
        batch_id, row_no, person, id_index, village_code, year, item, pay_type, tier, amount,
        paid_on, identity, special_group, receiving_benefits, duplicate_key
        """;

    private const short FieldCount = 15;

    private static readonly int PostgresEpoch = new DateOnly(2000, 1, 1).DayNumber;

    /// <summary>The most bytes <see cref="Row"/> may write for this record: what the buffer must
    /// have free before it is called.</summary>
    public static int MaxLength(ContributionRecord record, byte[] person, byte[] idIndex) =>
        2
        + FieldCount * 4
        + 16
        + 4
        + person.Length
        + idIndex.Length
        + Encoding.UTF8.GetMaxByteCount(record.VillageCode.Length)
        + 2 * 3
        + 2 * MaxNumericLength
        + 4
        + Encoding.UTF8.GetMaxByteCount(record.Identity?.Length ?? 0)
        + 2
        + 1
        + 8;

    /// <summary>Writes the tuple into <paramref name="into"/>, which has at least
    /// <see cref="MaxLength"/> bytes; answers how many it wrote.</summary>
    public static int Row(
        Span<byte> into,
        Guid batchId,
        ContributionRecord record,
        byte[] person,
        byte[] idIndex,
        long duplicateKey
    )
    {
        var at = 0;
        BinaryPrimitives.WriteInt16BigEndian(into, FieldCount);
        at += 2;
        at += Field(into[at..], 16);
        batchId.TryWriteBytes(into[at..], bigEndian: true, out _);
        at += 16;
        at += Int32(into[at..], record.RowNumber);
        at += Bytes(into[at..], person);
        at += Bytes(into[at..], idIndex);
        at += Text(into[at..], record.VillageCode);
        at += Int16(into[at..], record.Year);
        at += Int16(into[at..], (int)record.Item);
        at += Int16(into[at..], (int)record.Type);
        at += record.Tier is { } tier ? Numeric(into[at..], tier) : Null(into[at..]);
        at += Numeric(into[at..], record.Amount);
        at += Field(into[at..], 4);
        BinaryPrimitives.WriteInt32BigEndian(into[at..], record.PaidOn.DayNumber - PostgresEpoch);
        at += 4;
        at += record.Identity is { } identity ? Text(into[at..], identity) : Null(into[at..]);
        at += record.SpecialGroup is { } group ? Int16(into[at..], (int)group) : Null(into[at..]);
        at += Field(into[at..], 1);
        into[at++] = record.ReceivingBenefits ? (byte)1 : (byte)0;
        at += Field(into[at..], 8);
        BinaryPrimitives.WriteInt64BigEndian(into[at..], duplicateKey);
        return at + 8;
    }

    private static int Field(Span<byte> into, int length)
    {
        BinaryPrimitives.WriteInt32BigEndian(into, length);
        return 4;
    }

    private static int Null(Span<byte> into) => Field(into, -1);

    private static int Int16(Span<byte> into, int value)
    {
        Field(into, 2);
        BinaryPrimitives.WriteInt16BigEndian(into[4..], checked((short)value));
        return 6;
    }

    private static int Int32(Span<byte> into, int value)
    {
        Field(into, 4);
        BinaryPrimitives.WriteInt32BigEndian(into[4..], value);
        return 8;
    }

    private static int Bytes(Span<byte> into, ReadOnlySpan<byte> value)
    {
        Field(into, value.Length);
        value.CopyTo(into[4..]);
        return 4 + value.Length;
    }

    private static int Text(Span<byte> into, string value)
    {
        var length = Encoding.UTF8.GetBytes(value, into[4..]);
        Field(into, length);
        return 4 + length;
    }

    /// <summary>Its length, a header of 4 × 2 bytes and up to nine base-10000 digits: every
    /// decimal.</summary>
    private const int MaxNumericLength = 4 + 8 + 2 * 9;

    /// <summary>
    /// numeric's send format: the count of base-10000 digits, the weight of the first (the power
    /// of 10000 it stands for), the sign, the display scale, then the digits, most significant
    /// first, with no leading or trailing zero digit.
    /// </summary>
    public static int Numeric(Span<byte> into, decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa =
            ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        var scale = value.Scale;
        // Digits are grouped from the decimal point: the fraction is padded to whole groups.
        var pad = (4 - scale % 4) % 4;
        for (var i = 0; i < pad; i++)
            mantissa *= 10;
        var fractionGroups = (scale + pad) / 4;
        Span<short> groups = stackalloc short[9];
        var count = 0;
        while (mantissa > ulong.MaxValue)
        {
            groups[count++] = (short)(mantissa % 10000);
            mantissa /= 10000;
        }
        for (var small = (ulong)mantissa; small != 0; small /= 10000)
            groups[count++] = (short)(small % 10000);
        // groups[0] is the least significant: trailing zero digits are not sent.
        var low = 0;
        while (low < count && groups[low] == 0)
            low++;
        var digits = count - low;
        var weight = digits == 0 ? 0 : count - fractionGroups - 1;
        var body = into[4..];
        BinaryPrimitives.WriteInt16BigEndian(body, (short)digits);
        BinaryPrimitives.WriteInt16BigEndian(body[2..], (short)weight);
        BinaryPrimitives.WriteUInt16BigEndian(
            body[4..],
            value < 0 && digits > 0 ? NegativeSign : (ushort)0
        );
        BinaryPrimitives.WriteInt16BigEndian(body[6..], (short)scale);
        for (var i = 0; i < digits; i++)
            BinaryPrimitives.WriteInt16BigEndian(body[(8 + 2 * i)..], groups[count - 1 - i]);
        var length = 8 + 2 * digits;
        Field(into, length);
        return 4 + length;
    }

    private const ushort NegativeSign = 0x4000;
}
