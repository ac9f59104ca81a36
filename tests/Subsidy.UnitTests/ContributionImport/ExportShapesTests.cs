using System.Text;
using ContributionImport.Parsing;
using ContributionImport.Reading;
using MiniExcelLibs;
using Subsidy.Contracts;

namespace Subsidy.UnitTests.ContributionImport;

/// <summary>Exports shaped as county staff really get them: full-width characters, ID numbers kept
/// as numbers.</summary>
public class ExportShapesTests
{
    private static readonly string[] Header =
    [
        "姓名",
        "公民身份号码",
        "行政区划代码",
        "缴费年度",
        "缴费项目",
        "缴费类型",
        "缴费档次",
        "缴费金额",
        "到账日期",
        "参保身份",
        "待遇状态",
    ];
    private static readonly ImportContext Context = new(
        2026,
        "360222",
        new HashSet<string> { "360222100201" },
        new Dictionary<int, IReadOnlySet<decimal>>
        {
            [2026] = new HashSet<decimal> { 100, 300, 500, 1000 },
        }
    );
    private static readonly HeaderMap Map = HeaderMap.Detect([Header]).Map!;

    private static string[] Good() =>
        [
            "张三",
            "11010519491231002X",
            "360222100201",
            "2026",
            "1",
            "10",
            "500",
            "500.00",
            "2026-03-05",
            "061",
            "未领取",
        ];

    [Theory]
    [InlineData("５００．００", "500.00")]
    [InlineData("１，０００．５０", "1,000.50")]
    [InlineData("（居）ＡＢｃ　", "(居)ABc ")]
    [InlineData("张三", "张三")]
    public void Full_width_characters_are_read_as_their_ascii_forms(string typed, string read) =>
        Assert.Equal(read, FullWidth.ToAscii(typed));

    [Fact]
    public void A_value_without_full_width_characters_is_returned_as_it_is() =>
        Assert.Same("500.00", FullWidth.ToAscii("500.00"));

    [Fact]
    public void A_row_typed_with_a_chinese_input_method_is_a_record_like_its_ascii_twin()
    {
        var row = Good();
        row[1] = "１１０１０５１９４９１２３１００２ｘ";
        row[2] = "３６０２２２１００２０１";
        row[3] = "２０２６";
        row[6] = "５００";
        row[7] = "５００．００";
        row[8] = "２０２６－０３－０５";
        row[9] = "０６１";

        var (record, errors) = ContributionRowParser.Parse(2, row, Map, Context);

        Assert.Empty(errors);
        Assert.Equal(
            ContributionRowParser.Parse(2, Good(), Map, Context).Record! with
            {
                RowNumber = 2,
            },
            record
        );
    }

    [Theory]
    [InlineData("3.60222197003051E+17", "显示为 3.60222197003051E+17")]
    [InlineData("3.60222197003051e17", "存成了数字")]
    [InlineData("360222197003051000", "末3位都是0")]
    public void An_id_number_a_spreadsheet_kept_as_a_number_is_named_so_with_how_to_export_it_again(
        string id,
        string said
    )
    {
        var row = Good();
        row[1] = id;

        var error = Assert.Single(ContributionRowParser.Parse(2, row, Map, Context).Errors);

        Assert.Equal("公民身份号码", error.Column);
        Assert.Contains(said, error.Reason);
        Assert.Contains("设为文本格式后重新导出", error.Reason);
        Assert.DoesNotContain("校验码错误", error.Reason);
    }

    [Fact]
    public void A_mistyped_id_number_still_reads_as_a_wrong_check_digit() =>
        Assert.Contains(
            "校验码错误",
            SpreadsheetNumbers.WhyIdLostDigits(
                "110105194912310021",
                IdNumber.WhyInvalid("110105194912310021")
            ) ?? IdNumber.WhyInvalid("110105194912310021")
        );

    [Fact]
    public void A_valid_id_number_ending_in_zeros_is_no_spreadsheet_number()
    {
        var first17 = "36022219700305100";
        var id = first17 + IdNumber.CheckCharacter(first17);
        Assert.Null(SpreadsheetNumbers.WhyIdLostDigits(id, IdNumber.WhyInvalid(id)));
    }

    [Fact]
    public void A_roster_names_an_id_number_kept_as_a_number_the_same_way()
    {
        var map = HeaderMap
            .Detect(
                [
                    ["姓名", "公民身份号码"],
                ],
                Columns.RosterHeaders,
                Columns.RosterRequired
            )
            .Map!;
        var (_, errors) = RosterRowParser.Parse(
            2,
            ["李四", "3.60222197003051E+17"],
            map,
            "360222100201"
        );
        Assert.Contains("存成了数字", Assert.Single(errors).Reason);
    }

    [Fact]
    public void A_workbook_cell_holding_an_id_number_as_a_number_reads_as_the_spreadsheet_shows_it()
    {
        using var workbook = new MemoryStream();
        workbook.SaveAs(
            new[]
            {
                new Dictionary<string, object?>
                {
                    ["A"] = "张三",
                    ["B"] = 360222197003051234d,
                    ["C"] = 500d,
                },
            },
            printHeader: false
        );
        workbook.Position = 0;

        var cells = TabularReader.ReadXlsx(workbook).Single().Cells;

        Assert.Equal(new string?[] { "张三", "3.60222197003051E+17", "500" }, cells.AsEnumerable());
    }

    [Fact]
    public void Full_width_digits_in_a_gb18030_csv_are_records()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var csv =
            string.Join(',', Header)
            + "\r\n张三,11010519491231002X,360222100201,2026,1,10,５００,５００．００,2026-03-05,061,未领取\r\n";
        var rows = TabularReader
            .ReadCsv(new MemoryStream(Encoding.GetEncoding(54936).GetBytes(csv)))
            .ToList();
        var map = HeaderMap.Detect([rows[0].Cells]).Map!;

        var (record, errors) = ContributionRowParser.Parse(2, rows[1].Cells, map, Context);

        Assert.Empty(errors);
        Assert.Equal(500m, record!.Amount);
    }
}

/// <summary>The export's own 合计, 总计 and 小计 rows: skipped when they agree with the records, the
/// error when not.</summary>
public class TotalRowsTests
{
    private static readonly string[] Header = ["序号", "姓名", "公民身份号码", "缴费金额"];
    private static readonly HeaderMap Map = new(
        0,
        new Dictionary<Field, int>
        {
            [Field.Name] = 1,
            [Field.IdNumber] = 2,
            [Field.Amount] = 3,
        },
        Header
    );

    [Theory]
    [InlineData("合计", TotalKind.GrandTotal)]
    [InlineData("总 计：", TotalKind.GrandTotal)]
    [InlineData("合\u3000计", TotalKind.GrandTotal)]
    [InlineData("本页小计", TotalKind.Subtotal)]
    [InlineData("小计（新平村）", TotalKind.Subtotal)]
    public void A_row_naming_a_total_without_an_id_number_is_a_total_row(
        string label,
        TotalKind kind
    ) => Assert.Equal(kind, TotalRows.KindOf([null, label, "", "1500.00"], Map));

    [Fact]
    public void A_total_label_in_the_serial_number_column_counts_too() =>
        Assert.Equal(TotalKind.GrandTotal, TotalRows.KindOf(["合计", null, null, "1500.00"], Map));

    [Fact]
    public void A_person_row_with_an_id_number_is_never_a_total_row() =>
        Assert.Null(TotalRows.KindOf(["1", "合计", "11010519491231002X", "500.00"], Map));

    [Fact]
    public void A_row_without_an_id_number_or_a_total_word_is_no_total_row() =>
        Assert.Null(TotalRows.KindOf(["3", "王五", "", "500.00"], Map));

    [Fact]
    public void A_closing_total_equal_to_the_records_is_skipped_and_noted()
    {
        var totals = new TotalRows();
        totals.Add(500m);
        totals.Add(1000m);

        Assert.Null(totals.Check(4, [null, "合计", null, "1,500.00"], Map, TotalKind.GrandTotal));
        Assert.Equal(1, totals.Skipped);
        Assert.Contains("第4行", totals.Note);
    }

    [Fact]
    public void A_closing_total_that_differs_from_the_records_is_the_error_at_its_amount()
    {
        var totals = new TotalRows();
        totals.Add(500m);
        totals.Add(1000m);

        var error = totals.Check(4, [null, "合计", null, "1600.00"], Map, TotalKind.GrandTotal);

        Assert.Equal((4, "缴费金额", "1600.00"), (error!.RowNumber, error.Column, error.Value));
        Assert.Contains("1,600.00 元与全部明细行缴费金额之和 1,500.00 元不符", error.Reason);
        Assert.Null(totals.Note);
    }

    [Fact]
    public void Subtotals_sum_the_records_since_the_previous_subtotal_and_the_closing_total_sums_them_all()
    {
        var totals = new TotalRows();
        totals.Add(500m);
        totals.Add(300m);
        Assert.Null(totals.Check(3, [null, "小计", null, "800"], Map, TotalKind.Subtotal));
        totals.Add(1000m);
        Assert.Null(totals.Check(5, [null, "小计", null, "1000"], Map, TotalKind.Subtotal));
        Assert.Null(totals.Check(6, [null, "合计", null, "1800"], Map, TotalKind.GrandTotal));

        Assert.Equal(3, totals.Skipped);
        Assert.Contains("第3、5、6行", totals.Note);
    }

    [Fact]
    public void A_subtotal_that_counts_a_record_twice_is_the_error()
    {
        var totals = new TotalRows();
        totals.Add(500m);
        Assert.Null(totals.Check(2, [null, "小计", null, "500"], Map, TotalKind.Subtotal));
        totals.Add(300m);

        var error = totals.Check(4, [null, "小计", null, "800"], Map, TotalKind.Subtotal);

        Assert.Contains("上一个小计行之后各行缴费金额之和 300.00 元", error!.Reason);
    }

    [Theory]
    [InlineData("", "却没有缴费金额")]
    [InlineData("约一千五", "无法识别")]
    public void A_total_row_without_a_readable_amount_is_the_error(string amount, string said) =>
        Assert.Contains(
            said,
            new TotalRows()
                .Check(9, [null, "合计", null, amount], Map, TotalKind.GrandTotal)!
                .Reason
        );

    [Fact]
    public void A_batch_with_many_subtotals_names_the_first_ten_rows()
    {
        var totals = new TotalRows();
        for (var row = 1; row <= 12; row++)
            Assert.Null(totals.Check(row, [null, "小计", null, "0"], Map, TotalKind.Subtotal));
        Assert.Equal(
            "跳过合计/小计行 12 行（第1、2、3、4、5、6、7、8、9、10行等），其金额与明细之和相符，不计为缴费记录",
            totals.Note
        );
    }
}
