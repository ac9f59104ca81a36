using System.Text;
using ContributionImport.Imports;

namespace Subsidy.UnitTests.ContributionImport;

public class UploadPiecesTests
{
    private static byte[] ExportPiece()
    {
        var text = new StringBuilder(
            "姓名,公民身份号码,村（社区）代码,费款所属期,缴费项目,缴费类型,缴费档次,缴费金额,到账日期,参保身份,待遇状态\n"
        );
        var random = new Random(7);
        while (text.Length < BatchStore.ChunkSize)
        {
            text.Append(
                FormattableString.Invariant(
                    $"测试{random.Next(1000)},36022219{random.Next(50, 99)}0{random.Next(1, 9)}1{random.Next(10, 28)}{random.Next(1000, 9999)},3602221{random.Next(10, 99)}200,2026,个人缴费,正常缴费,{random.Next(1, 10) * 100},{random.Next(1, 10) * 100}.00,2026-0{random.Next(1, 9)}-1{random.Next(0, 9)},011,未领取\n"
                )
            );
        }
        return Encoding.UTF8.GetBytes(text.ToString())[..BatchStore.ChunkSize];
    }

    [Fact]
    public void A_stored_piece_reads_back_byte_for_byte()
    {
        var piece = ExportPiece();
        Assert.Equal(
            piece,
            UploadPieces.Inflate(UploadPieces.Deflate(piece), BatchStore.ChunkSize)
        );
    }

    [Fact]
    public void A_piece_of_an_export_is_stored_in_well_under_half_its_size()
    {
        var piece = ExportPiece();
        Assert.True(UploadPieces.Deflate(piece).Length < piece.Length / 2);
    }
}

public class DuplicateScreenTests
{
    [Fact]
    public void Distinct_keys_need_no_database_check()
    {
        var screen = new global::ContributionImport.Imports.DuplicateScreen();
        for (long key = 0; key < 100_000; key++)
            screen.Add(key * 7919);
        Assert.False(screen.MayHoldDuplicates());
    }

    [Fact]
    public void A_key_written_twice_leaves_the_decision_to_the_database()
    {
        var screen = new global::ContributionImport.Imports.DuplicateScreen();
        foreach (var key in new long[] { 5, -3, 9, 12, -3, 40 })
            screen.Add(key);
        Assert.True(screen.MayHoldDuplicates());
    }

    [Fact]
    public void A_file_past_the_screens_capacity_is_left_to_the_database()
    {
        var screen = new global::ContributionImport.Imports.DuplicateScreen();
        for (
            long key = 0;
            key <= global::ContributionImport.Imports.DuplicateScreen.Capacity;
            key++
        )
            screen.Add(key);
        Assert.True(screen.MayHoldDuplicates());
    }
}

public class CopyTextTests
{
    private static string Line(global::Subsidy.Contracts.ContributionRecord record)
    {
        var text = new StringWriter();
        CopyText.Row(
            text,
            "01a24e9e-2e0d-71f0-a428-264b7d9240bc",
            record,
            [0x01, 0xab],
            [0xcd],
            -42
        );
        return text.ToString();
    }

    private static global::Subsidy.Contracts.ContributionRecord Record(
        string name = "张三",
        decimal? tier = 500m,
        string? identity = "061",
        global::Subsidy.Contracts.SpecialGroup? group = global::Subsidy.Contracts.SpecialGroup.Dibao
    ) =>
        new(
            7,
            name,
            "11010519491231002X",
            "360222100201",
            2026,
            global::Subsidy.Contracts.ContributionItem.Personal,
            global::Subsidy.Contracts.PaymentType.Normal,
            tier,
            500.5m,
            new DateOnly(2026, 3, 5),
            identity,
            group,
            false
        );

    [Fact]
    public void A_record_is_one_tab_separated_line_in_the_tables_column_order_its_person_only_sealed()
    {
        var record = Record();
        Assert.Equal(
            $"01a24e9e-2e0d-71f0-a428-264b7d9240bc\t7\t\\\\x01ab\t\\\\xcd\t360222100201\t2026\t{(int)record.Item}\t{(int)record.Type}\t500\t500.5\t2026-03-05\t061\t{(int)record.SpecialGroup!}\tf\t-42\n",
            Line(record)
        );
    }

    [Fact]
    public void Missing_values_are_written_as_null()
    {
        var fields = Line(Record(tier: null, identity: null, group: null))
            .TrimEnd('\n')
            .Split('\t');
        Assert.Equal(["\\N", "\\N", "\\N"], new[] { fields[8], fields[11], fields[12] });
    }

    [Fact]
    public void A_value_holding_a_tab_a_backslash_or_a_line_break_is_escaped_so_the_line_keeps_its_fields()
    {
        var fields = Line(Record(identity: "0\t6\\1\r\n")).TrimEnd('\n').Split('\t');
        Assert.Equal(15, fields.Length);
        Assert.Equal("0\\t6\\\\1\\r\\n", fields[11]);
    }
}
