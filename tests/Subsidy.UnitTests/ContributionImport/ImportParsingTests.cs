using System.Text;
using ContributionImport.Parsing;
using ContributionImport.Reading;
using Subsidy.Contracts;

namespace Subsidy.UnitTests.ContributionImport;

public class EncodingDetectionTests
{
    static EncodingDetectionTests() =>
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [Fact]
    public void Bom_means_utf8() =>
        Assert.Equal(65001, TabularReader.DetectEncoding([0xEF, 0xBB, 0xBF, 0x41]).CodePage);

    [Fact]
    public void Chinese_in_utf8_without_bom_is_utf8() =>
        Assert.Equal(
            65001,
            TabularReader.DetectEncoding(Encoding.UTF8.GetBytes("姓名,公民身份号码")).CodePage
        );

    [Fact]
    public void Chinese_in_gbk_is_gb18030() =>
        Assert.Equal(
            54936,
            TabularReader
                .DetectEncoding(Encoding.GetEncoding(936).GetBytes("姓名,公民身份号码"))
                .CodePage
        );

    [Fact]
    public void A_sample_cut_inside_a_utf8_character_is_still_utf8()
    {
        var bytes = Encoding.UTF8.GetBytes("姓名");
        Assert.Equal(
            65001,
            TabularReader.DetectEncoding(bytes.AsSpan(0, bytes.Length - 1)).CodePage
        );
    }

    [Fact]
    public void Csv_rows_stream_with_quotes_and_gb18030()
    {
        var csv = Encoding.GetEncoding(54936).GetBytes("标题\r\n姓名,备注\r\n张三,\"含,逗号\"\r\n");
        var rows = TabularReader.ReadCsv(new MemoryStream(csv)).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal(new string?[] { "张三", "含,逗号" }, rows[2].Cells.AsEnumerable());
        Assert.Equal(3, rows[2].RowNumber);
    }

    [Fact]
    public void Repeated_cells_of_a_column_share_one_string_and_every_value_stays_right()
    {
        var csv = new StringBuilder("村编码,身份证号码\r\n");
        for (var i = 0; i < 6000; i++)
            csv.Append($"36022210020{i % 3},ID{i:00000}\r\n");
        var rows = TabularReader
            .ReadCsv(new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())))
            .Skip(1)
            .ToList();

        Assert.Same(rows[0].Cells[0], rows[3].Cells[0]);
        Assert.Equal("360222100202", rows[5999].Cells[0]);
        Assert.Equal("360222100201", rows[5998].Cells[0]);
        // The ID column has too many distinct values to pool; its values are still each row's own.
        Assert.Equal(
            Enumerable.Range(0, 6000).Select(i => $"ID{i:00000}"),
            rows.Select(r => r.Cells[1])
        );
    }
}

public class ContributionRowParserTests
{
    private static readonly string[] Header =
    [
        "姓名",
        "身份证号码",
        "aaf101",
        "缴费年度",
        "aae341",
        "缴费类型",
        "缴费档次",
        "金额",
        "划拨日期",
        "aac066",
        "待遇状态",
    ];
    private static readonly ImportContext Context = new(
        2026,
        "360222",
        new HashSet<string> { "360222100201" },
        new Dictionary<int, IReadOnlySet<decimal>>
        {
            [2026] = new HashSet<decimal> { 100, 300, 500, 1000 },
            [2023] = new HashSet<decimal> { 100, 200, 300 },
        }
    );
    private static readonly HeaderMap Map = HeaderMap
        .Detect([
            ["城乡居民养老保险缴费明细"],
            Header,
        ])
        .Map!;

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
            "2026/3/5",
            "061",
            "未领取",
        ];

    private static IReadOnlyList<ImportError> Errors(int column, string value)
    {
        var row = Good();
        row[column] = value;
        return ContributionRowParser.Parse(7, row, Map, Context).Errors;
    }

    [Fact]
    public void Header_is_found_below_title_rows_by_any_alias()
    {
        Assert.Equal(1, Map.HeaderRowIndex);
        Assert.Equal(8, Map.ColumnOf[Field.PaidOn]);
    }

    [Fact]
    public void Missing_required_columns_are_named()
    {
        var (map, missing) = HeaderMap.Detect([
            Header.Where(h => h != "划拨日期" && h != "金额").ToArray(),
        ]);
        Assert.Null(map);
        Assert.Equal([Field.Amount, Field.PaidOn], missing);
    }

    [Fact]
    public void A_good_row_becomes_a_record_with_codes_understood()
    {
        var (record, errors) = ContributionRowParser.Parse(7, Good(), Map, Context);
        Assert.Empty(errors);
        Assert.Equal(ContributionItem.Personal, record!.Item);
        Assert.Equal(PaymentType.Normal, record.Type);
        Assert.Equal(new DateOnly(2026, 3, 5), record.PaidOn);
        Assert.Equal(SpecialGroup.Dibao, record.SpecialGroup);
        Assert.False(record.ReceivingBenefits);
    }

    [Theory]
    [InlineData(0, "", "姓名", "不能为空")]
    [InlineData(1, "110105194912310029", "身份证号码", "校验码")]
    [InlineData(1, "110105194902300024", "身份证号码", "不存在")]
    [InlineData(2, "36022210020", "aaf101", "12位")]
    [InlineData(2, "360222100299", "aaf101", "没有这个村")]
    [InlineData(2, "360281100201", "aaf101", "不在本次导入范围")]
    [InlineData(3, "26", "缴费年度", "4位数字")]
    [InlineData(3, "2027", "缴费年度", "晚于本次导入的年度 2026")]
    [InlineData(3, "2008", "缴费年度", "早于")]
    [InlineData(4, "7", "aae341", "无法识别")]
    [InlineData(5, "提前缴费", "缴费类型", "无法识别")]
    [InlineData(6, "450", "缴费档次", "不是 2026 年度的缴费档次")]
    [InlineData(7, "0", "金额", "须大于0")]
    [InlineData(7, "1.005", "金额", "两位小数")]
    [InlineData(7, "五百", "金额", "数字")]
    [InlineData(8, "2026-02-30", "划拨日期", "无法识别")]
    [InlineData(9, "099", "aac066", "无法识别")]
    [InlineData(10, "待领取", "待遇状态", "未领取或已领取")]
    public void Each_rule_names_the_row_the_column_and_the_reason(
        int column,
        string value,
        string header,
        string reason
    )
    {
        var error = Assert.Single(Errors(column, value));
        Assert.Equal(7, error.RowNumber);
        Assert.Equal(header, error.Column);
        // An ID number is shown masked as written: the row and column lead to the cell.
        var shown = column == 1 ? IdNumber.MaskAsWritten(value) : value;
        Assert.Equal(shown == "" ? null : shown, error.Value == "" ? null : error.Value);
        Assert.Contains(reason, error.Reason);
    }

    [Theory]
    [InlineData("2021", "一次性补缴", "")] // a lump sum for 2021 paid this year names no tier: nobody configured 2021 here
    [InlineData("2023", "31", "200")] // a back payment at a tier of its own year
    [InlineData("2024", "补缴", "450")] // 2024 is not configured here: its tier cannot be checked, and is kept
    public void Back_payments_for_earlier_years_keep_their_own_year(
        string year,
        string type,
        string tier
    )
    {
        var row = Good();
        (row[3], row[5], row[6]) = (year, type, tier);
        var (record, errors) = ContributionRowParser.Parse(7, row, Map, Context);
        Assert.Empty(errors);
        Assert.Equal(int.Parse(year), record!.Year);
        Assert.Equal(tier == "" ? null : decimal.Parse(tier), record.Tier);
    }

    [Fact]
    public void A_back_payments_tier_is_checked_against_its_own_years_tiers()
    {
        var row = Good();
        (row[3], row[5], row[6]) = ("2023", "31", "500");
        var error = Assert.Single(ContributionRowParser.Parse(7, row, Map, Context).Errors);
        Assert.Equal(("缴费档次", "500 元不是 2023 年度的缴费档次"), (error.Column, error.Reason));
    }

    [Theory]
    [InlineData("61", SpecialGroup.Dibao, "061")]
    [InlineData("31", SpecialGroup.Tekun, "031")]
    [InlineData("11", null, "011")]
    public void Identity_codes_a_spreadsheet_stored_as_numbers_are_read_as_the_codes(
        string cell,
        SpecialGroup? group,
        string code
    )
    {
        var row = Good();
        row[9] = cell;
        var (record, errors) = ContributionRowParser.Parse(7, row, Map, Context);
        Assert.Empty(errors);
        Assert.Equal((group, code), (record!.SpecialGroup, record.Identity));
    }

    [Fact]
    public void Two_back_payments_alike_but_for_different_years_are_not_duplicates()
    {
        var first = ContributionRowParser
            .Parse(
                7,
                [
                    "张三",
                    "11010519491231002X",
                    "360222100201",
                    "2022",
                    "1",
                    "31",
                    "",
                    "300.00",
                    "2026/3/5",
                    "",
                    "",
                ],
                Map,
                Context
            )
            .Record!;
        var second = first with { Year = 2023, RowNumber = 8 };
        byte[] index = [1, 2, 3];
        long Key(ContributionRecord record) =>
            global::ContributionImport.Imports.DuplicateKeys.Of(record, index);
        Assert.NotEqual(Key(first), Key(second));
        Assert.Equal(Key(first), Key(first with { RowNumber = 9, Name = "张叁" }));
        // An amount is one amount however many decimals the file wrote; another fen is another.
        Assert.Equal(Key(first with { Amount = 300m }), Key(first with { Amount = 300.00m }));
        Assert.NotEqual(Key(first with { Amount = 300m }), Key(first with { Amount = 300.01m }));
        Assert.NotEqual(Key(first), Key(first with { PaidOn = first.PaidOn.AddDays(1) }));
        // The person enters by the blind index of the ID number: another index, another key.
        Assert.NotEqual(
            Key(first),
            global::ContributionImport.Imports.DuplicateKeys.Of(first, [1, 2, 4])
        );
    }

    [Theory]
    [InlineData("个人缴费", ContributionItem.Personal)]
    [InlineData("11", ContributionItem.GovernmentOnBehalf)]
    [InlineData("政府代缴", ContributionItem.GovernmentOnBehalf)]
    [InlineData("6", ContributionItem.Collective)]
    [InlineData("县级补贴", ContributionItem.CountySubsidy)]
    public void Items_are_read_by_code_or_text(string text, ContributionItem item) =>
        Assert.Equal(item, ContributionRowParser.ParseItem(text));

    [Theory]
    [InlineData("正常应缴", PaymentType.Normal)]
    [InlineData("31", PaymentType.BackPayment)]
    [InlineData("一次性补缴", PaymentType.LumpSum)]
    public void Types_are_read_by_code_or_text(string text, PaymentType type) =>
        Assert.Equal(type, ContributionRowParser.ParseType(text));

    [Theory]
    [InlineData("2026-03-05")]
    [InlineData("2026/3/5")]
    [InlineData("20260305")]
    public void Dates_come_in_three_shapes(string text)
    {
        Assert.True(ContributionRowParser.TryParseDate(text, out var date));
        Assert.Equal(new DateOnly(2026, 3, 5), date);
    }

    [Theory]
    [InlineData("2026-02-30")]
    [InlineData("2025-02-29")]
    [InlineData("2026-13-01")]
    [InlineData("2026-00-10")]
    [InlineData("2026-1a-01")]
    [InlineData("0000-01-01")]
    [InlineData("2026-03-05x")]
    [InlineData("2026.03.05")]
    public void Impossible_or_unknown_dates_are_refused(string text) =>
        Assert.False(ContributionRowParser.TryParseDate(text, out _));

    [Fact]
    public void A_leap_day_is_a_date() =>
        Assert.True(
            ContributionRowParser.TryParseDate("2024-02-29", out var date)
                && date == new DateOnly(2024, 2, 29)
        );

    [Theory]
    [InlineData("061", SpecialGroup.Dibao)]
    [InlineData("033", SpecialGroup.Tekun)]
    [InlineData("022", SpecialGroup.SevereDisability)]
    [InlineData("五保户", SpecialGroup.Wubao)]
    [InlineData("052", SpecialGroup.PovertyMonitoring)]
    public void Special_identities_map_to_their_group(string text, SpecialGroup group)
    {
        Assert.True(Identities.TryParse(text, out var parsed));
        Assert.Equal(group, parsed);
    }

    [Theory]
    [InlineData("011")]
    [InlineData("023")]
    [InlineData("071")]
    [InlineData("090")]
    public void Ordinary_identities_are_no_special_group(string text)
    {
        Assert.True(Identities.TryParse(text, out var parsed));
        Assert.Null(parsed);
    }
}

public class RosterRowParserTests
{
    private static readonly HeaderMap Map = HeaderMap
        .Detect(
            [
                ["成员名册"],
                ["序号", "姓名", "身份证号码", "村(居)编码", "特殊群体"],
            ],
            Columns.RosterHeaders,
            Columns.RosterRequired
        )
        .Map!;

    [Fact]
    public void Roster_header_needs_only_name_and_id_number()
    {
        var (map, missing) = HeaderMap.Detect(
            [
                ["姓名", "公民身份号码"],
            ],
            Columns.RosterHeaders,
            Columns.RosterRequired
        );
        Assert.NotNull(map);
        Assert.Empty(missing);
    }

    [Fact]
    public void A_member_with_a_special_group_is_read()
    {
        var (member, errors) = RosterRowParser.Parse(
            3,
            ["1", "张三", "11010519491231002X", "360222100201", "特困人员"],
            Map,
            "360222100201"
        );
        Assert.Empty(errors);
        Assert.Equal(SpecialGroup.Tekun, member!.SpecialGroup);
    }

    [Fact]
    public void A_row_of_another_village_is_refused() =>
        Assert.Contains(
            "本行却是",
            Assert
                .Single(
                    RosterRowParser
                        .Parse(
                            3,
                            ["1", "张三", "11010519491231002X", "360222100202", ""],
                            Map,
                            "360222100201"
                        )
                        .Errors
                )
                .Reason
        );

    [Fact]
    public void Every_error_of_a_row_is_reported()
    {
        var errors = RosterRowParser
            .Parse(3, ["1", "", "110105194912310029", "", "军属"], Map, "360222100201")
            .Errors;
        Assert.Equal(["姓名", "身份证号码", "特殊群体"], errors.Select(e => e.Column));
    }
}
