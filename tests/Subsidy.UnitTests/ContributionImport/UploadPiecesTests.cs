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
