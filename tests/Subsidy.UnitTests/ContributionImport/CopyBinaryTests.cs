using System.Buffers.Binary;
using System.Text;
using ContributionImport.Imports;
using Subsidy.Contracts;

namespace Subsidy.UnitTests.ContributionImport;

public class CopyBinaryTests
{
    private static readonly Guid BatchId = Guid.Parse("01a24e9e-2e0d-71f0-a428-264b7d9240bc");

    private static ContributionRecord Record(
        decimal? tier = 500m,
        decimal amount = 500.5m,
        string? identity = "061",
        SpecialGroup? group = SpecialGroup.Dibao,
        string village = "360222100201"
    ) =>
        new(
            7,
            "张三",
            "11010519491231002X",
            village,
            2026,
            ContributionItem.Personal,
            PaymentType.Normal,
            tier,
            amount,
            new DateOnly(2026, 3, 5),
            identity,
            group,
            true
        );

    /// <summary>The tuple's fields, each null or its bytes.</summary>
    private static List<byte[]?> Fields(ContributionRecord record, byte[] person, byte[] index)
    {
        var buffer = new byte[CopyBinary.MaxLength(record, person, index)];
        var written = CopyBinary.Row(buffer, BatchId, record, person, index, -42);
        var span = buffer.AsSpan(0, written);
        var count = BinaryPrimitives.ReadInt16BigEndian(span);
        var at = 2;
        var fields = new List<byte[]?>();
        for (var i = 0; i < count; i++)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(span[at..]);
            at += 4;
            if (length < 0)
            {
                fields.Add(null);
                continue;
            }
            fields.Add(span.Slice(at, length).ToArray());
            at += length;
        }
        Assert.Equal(written, at);
        return fields;
    }

    private static short Int16(byte[]? field) => BinaryPrimitives.ReadInt16BigEndian(field);

    [Fact]
    public void A_record_is_one_tuple_of_the_tables_columns_in_order_its_person_only_sealed()
    {
        var record = Record();
        var fields = Fields(record, [0x01, 0xab], [0xcd]);
        Assert.Equal(CopyBinary.Columns.Split(',').Length, fields.Count);
        Assert.Equal(BatchId.ToByteArray(bigEndian: true), fields[0]);
        Assert.Equal(7, BinaryPrimitives.ReadInt32BigEndian(fields[1]));
        Assert.Equal([0x01, 0xab], fields[2]);
        Assert.Equal([0xcd], fields[3]);
        Assert.Equal("360222100201", Encoding.UTF8.GetString(fields[4]!));
        Assert.Equal(2026, Int16(fields[5]));
        Assert.Equal((short)record.Item, Int16(fields[6]));
        Assert.Equal((short)record.Type, Int16(fields[7]));
        // 2026-03-05 is day 9560 counted from 2000-01-01, PostgreSQL's epoch.
        Assert.Equal(9560, BinaryPrimitives.ReadInt32BigEndian(fields[10]));
        Assert.Equal("061", Encoding.UTF8.GetString(fields[11]!));
        Assert.Equal((short)SpecialGroup.Dibao, Int16(fields[12]));
        Assert.Equal([1], fields[13]);
        Assert.Equal(-42, BinaryPrimitives.ReadInt64BigEndian(fields[14]));
        // Neither the name nor the ID number is anywhere in the tuple.
        var all = fields.Where(f => f is not null).SelectMany(f => f!).ToArray();
        Assert.DoesNotContain("张三", Encoding.UTF8.GetString(all));
        Assert.DoesNotContain("11010519491231002X", Encoding.UTF8.GetString(all));
    }

    [Fact]
    public void Missing_values_are_written_as_null()
    {
        var fields = Fields(Record(tier: null, identity: null, group: null), [1], [2]);
        Assert.Null(fields[8]);
        Assert.Null(fields[11]);
        Assert.Null(fields[12]);
    }

    [Fact]
    public void A_value_holding_a_tab_a_backslash_or_a_line_break_is_stored_as_it_is()
    {
        var fields = Fields(Record(identity: "0\t6\\1\r\n"), [1], [2]);
        Assert.Equal("0\t6\\1\r\n", Encoding.UTF8.GetString(fields[11]!));
    }

    [Fact]
    public void A_row_larger_than_any_export_row_fits_the_length_it_was_given()
    {
        var person = new byte[200_000];
        var fields = Fields(Record(village: new string('村', 5000)), person, [2]);
        Assert.Equal(200_000, fields[2]!.Length);
        Assert.Equal(new string('村', 5000), Encoding.UTF8.GetString(fields[4]!));
    }

    /// <summary>numeric's send format: digit count, weight, sign, display scale, then base-10000
    /// digits (PostgreSQL's numeric.c); the expected values are what the server itself sends for
    /// each.</summary>
    [Theory]
    [InlineData("500.5", 2, 0, 0x0000, 1, new short[] { 500, 5000 })]
    [InlineData("500", 1, 0, 0x0000, 0, new short[] { 500 })]
    [InlineData("500.00", 1, 0, 0x0000, 2, new short[] { 500 })]
    [InlineData("0", 0, 0, 0x0000, 0, new short[0])]
    [InlineData("0.00", 0, 0, 0x0000, 2, new short[0])]
    [InlineData("0.01", 1, -1, 0x0000, 2, new short[] { 100 })]
    [InlineData("10000", 1, 1, 0x0000, 0, new short[] { 1 })]
    [InlineData("12345678.90", 3, 1, 0x0000, 2, new short[] { 1234, 5678, 9000 })]
    [InlineData("9999999999.99", 4, 2, 0x0000, 2, new short[] { 99, 9999, 9999, 9900 })]
    [InlineData("-300.25", 2, 0, 0x4000, 2, new short[] { 300, 2500 })]
    [InlineData(
        "79228162514264337593543950335",
        8,
        7,
        0x0000,
        0,
        new short[] { 7, 9228, 1625, 1426, 4337, 5935, 4395, 335 }
    )]
    [InlineData(
        "7.9228162514264337593543950335",
        8,
        0,
        0x0000,
        28,
        new short[] { 7, 9228, 1625, 1426, 4337, 5935, 4395, 335 }
    )]
    public void Amounts_are_sent_as_numerics_base_ten_thousand_digits(
        string text,
        short digits,
        short weight,
        int sign,
        short scale,
        short[] expected
    )
    {
        var value = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        var buffer = new byte[64];
        var written = CopyBinary.Numeric(buffer, value);
        var field = buffer.AsSpan(4, written - 4);
        var body = buffer[4..written];
        Assert.Equal(written - 4, BinaryPrimitives.ReadInt32BigEndian(buffer));
        Assert.Equal(digits, BinaryPrimitives.ReadInt16BigEndian(field));
        Assert.Equal(weight, BinaryPrimitives.ReadInt16BigEndian(field[2..]));
        Assert.Equal((ushort)sign, BinaryPrimitives.ReadUInt16BigEndian(field[4..]));
        Assert.Equal(scale, BinaryPrimitives.ReadInt16BigEndian(field[6..]));
        var sent = Enumerable
            .Range(0, digits)
            .Select(i => BinaryPrimitives.ReadInt16BigEndian(body.AsSpan(8 + 2 * i)))
            .ToArray();
        Assert.Equal(expected, sent);
    }
}
