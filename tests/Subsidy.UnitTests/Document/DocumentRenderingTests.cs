using System.Security.Cryptography;
using Document.Rendering;
using MiniExcelLibs;
using Subsidy.Contracts;
using UglyToad.PdfPig;

namespace Subsidy.UnitTests.Document;

public class DocumentRenderingTests
{
    private static readonly string Dibao =
        "36022219800101002" + IdNumber.CheckCharacter("36022219800101002");
    private static readonly string Plain =
        "36022219850202003" + IdNumber.CheckCharacter("36022219850202003");

    static DocumentRenderingTests() => PdfFonts.Use();

    internal static VillageYearData Data() =>
        new(
            "360222106211",
            "蛟潭镇",
            "礼芳村",
            2026,
            "礼芳村股份经济合作社",
            new DateOnly(2026, 10, 12),
            new DateOnly(2026, 10, 12),
            new DateOnly(2026, 10, 18),
            [
                new SettlementLine(
                    Dibao,
                    "张小三",
                    SpecialGroup.Dibao,
                    500m,
                    500m,
                    300m,
                    null,
                    [],
                    null
                ),
                new SettlementLine(
                    Plain,
                    "李四",
                    null,
                    6000m,
                    6000m,
                    12000m,
                    null,
                    [],
                    "异议采纳调整"
                ),
                new SettlementLine(
                    "360222199001010011",
                    "王五",
                    null,
                    null,
                    0m,
                    0m,
                    "NO_CONTRIBUTION",
                    [],
                    "本年度未缴费"
                ),
            ]
        );

    private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    private static string Text(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Concat(
            document.GetPages().Select(p => string.Concat(p.Letters.Select(l => l.Value)))
        );
    }

    [Fact]
    public void The_roster_workbook_has_title_unit_columns_recipients_and_the_total_in_capitals()
    {
        var rows = MiniExcel
            .Query(new MemoryStream(RosterDocument.Xlsx(Data())), useHeaderRow: false)
            .Cast<IDictionary<string, object?>>()
            .ToList();
        Assert.Equal("蛟潭镇礼芳村城乡居民基本养老保险集体补助花名册", rows[0]["A"]);
        Assert.Equal("单位：礼芳村股份经济合作社", rows[1]["A"]);
        Assert.Equal(
            RosterDocument.Columns,
            rows[2].Values.Select(v => v?.ToString() ?? "").ToArray()
        );
        // Numbers as numbers (a spreadsheet sums them), the ID number as text.
        Assert.Equal(
            new object?[] { 1d, "张小三", Dibao, "低保对象", 500d, 500d, 300d, null },
            rows[3].Values.ToArray()
        );
        Assert.Equal("异议采纳调整", rows[4]["H"]);
        Assert.Equal(
            "合计：2 人，集体补助金额 12300.00 元（大写：壹万贰仟叁佰元整）",
            rows[5]["A"]
        );
        Assert.StartsWith("制表人", rows[6]["A"]!.ToString());
        Assert.DoesNotContain(rows, r => r.Values.Contains("王五"));
    }

    [Fact]
    public void The_roster_PDF_carries_the_title_the_people_and_the_total()
    {
        var text = Text(RosterDocument.Pdf(Data()));
        Assert.Contains("蛟潭镇礼芳村城乡居民基本养老保险集体补助花名册", text);
        Assert.Contains(Dibao, text);
        Assert.Contains("壹万贰仟叁佰元整", text);
    }

    [Fact]
    public void The_public_notice_masks_names_and_ID_numbers_and_never_shows_a_category()
    {
        var text = Text(NoticeDocument.Pdf(Data()));
        Assert.True(
            text.Contains("礼芳村2026年度城乡居民基本养老保险集体补助公示"),
            text.Replace("\0", "~")
        );
        Assert.Contains("2026年10月12日至2026年10月18日", text);
        Assert.Contains("张*三", text);
        Assert.Contains("360222********" + Dibao[14..], text);
        Assert.DoesNotContain(Dibao, text);
        Assert.DoesNotContain(Plain, text);
        Assert.DoesNotContain("张小三", text);
        foreach (var group in SpecialGroups.All)
            Assert.DoesNotContain(SpecialGroups.ChineseName(group), text);
        Assert.Contains("壹万贰仟叁佰元整", text);
    }

    [Fact]
    public void The_same_data_renders_to_the_same_bytes()
    {
        Assert.Equal(Hash(RosterDocument.Xlsx(Data())), Hash(RosterDocument.Xlsx(Data())));
        Assert.Equal(Hash(RosterDocument.Pdf(Data())), Hash(RosterDocument.Pdf(Data())));
        Assert.Equal(Hash(NoticeDocument.Pdf(Data())), Hash(NoticeDocument.Pdf(Data())));
        Assert.NotEqual(
            Hash(RosterDocument.Pdf(Data())),
            Hash(RosterDocument.Pdf(Data() with { Organisation = "另一组织" }))
        );
    }

    internal static VillageYearData Settled() =>
        Data() with
        {
            CreditCode = "N2360222MF0000000K",
            Budget = 60000m,
            CountyName = "浮梁县",
            PaymentNotice = new PaymentNoticeInfo(
                "360222-2026-0007",
                "360222",
                12300m,
                new DateOnly(2026, 11, 2),
                new DateOnly(2026, 12, 2),
                null,
                null
            ),
        };

    [Fact]
    public void The_application_form_names_the_collective_the_people_and_the_total()
    {
        var text = Text(FormDocuments.Application(Settled()));
        Assert.Contains(FormDocuments.ApplicationTitle, text);
        Assert.Contains("礼芳村股份经济合作社", text);
        Assert.Contains("N2360222MF0000000K", text);
        Assert.Contains("2 人", text);
        Assert.Contains("12300.00 元（大写：壹万贰仟叁佰元整）", text);
        Assert.Contains("陆万元整", text);
        Assert.Contains("2026年10月12日 至 2026年10月18日", text);
    }

    [Fact]
    public void The_application_form_shows_the_count_and_total_the_step_stated_without_the_member_list()
    {
        var stated = Settled() with { Lines = [], Totals = new SettlementTotals(158, 47400m) };

        var text = Text(FormDocuments.Application(stated));
        Assert.Contains("158 人", text);
        Assert.Contains("47400.00 元（大写：肆万柒仟肆佰元整）", text);
        Assert.Contains(
            "158 人（名单见集体补助花名册）",
            Text(FormDocuments.PaymentNotice(stated))
        );
    }

    [Fact]
    public void The_payment_notice_has_its_number_payer_amount_in_figures_and_capitals_and_where_and_when_to_pay()
    {
        var text = Text(FormDocuments.PaymentNotice(Settled()));
        Assert.Contains(FormDocuments.PaymentNoticeTitle, text);
        Assert.Contains("360222-2026-0007", text);
        Assert.Contains("礼芳村股份经济合作社", text);
        Assert.Contains("12300.00 元（大写：壹万贰仟叁佰元整）", text);
        Assert.Contains("浮梁县税务局", text);
        Assert.Contains("请于 2026年12月2日 前缴清", text);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("xlsx")]
    public void The_credited_export_is_read_back_by_the_import_as_collective_subsidy_records(
        string format
    )
    {
        var rows = (
            format == "csv"
                ? global::ContributionImport.Reading.TabularReader.ReadCsv(
                    new MemoryStream(CreditedExport.Csv(Settled()))
                )
                : global::ContributionImport.Reading.TabularReader.ReadXlsx(
                    new MemoryStream(CreditedExport.Xlsx(Settled()))
                )
        ).ToList();
        var map = global::ContributionImport.Parsing.HeaderMap.Detect([rows[0].Cells]).Map!;
        var context = new global::ContributionImport.Parsing.ImportContext(
            2026,
            "360222",
            new HashSet<string> { "360222106211" },
            new Dictionary<int, IReadOnlySet<decimal>>
            {
                [2026] = new HashSet<decimal> { 500, 6000 },
            }
        );
        var records = rows.Skip(1)
            .Select(r =>
                global::ContributionImport.Parsing.ContributionRowParser.Parse(
                    r.RowNumber,
                    r.Cells,
                    map,
                    context
                )
            )
            .ToList();
        Assert.All(records, r => Assert.Empty(r.Errors));
        Assert.Equal(
            [(Dibao, 300m), (Plain, 12000m)],
            records.Select(r => (r.Record!.IdNumber, r.Record.Amount)).ToList()
        );
        Assert.All(records, r =>
            Assert.Equal(
                (ContributionItem.Collective, PaymentType.Normal),
                (r.Record!.Item, r.Record.Type)
            )
        );

        var sheet = MiniExcel
            .Query(new MemoryStream(CreditedExport.Xlsx(Settled())), useHeaderRow: true)
            .Cast<IDictionary<string, object?>>()
            .ToList();
        Assert.Equal(CreditedExport.Columns, sheet[0].Keys.ToArray());
        // Numbers as numbers and the date as a date: a spreadsheet sums and sorts them.
        Assert.Equal(
            new object?[] { "李四", Plain, "360222106211", 2026d, "集体补助", 12000d },
            new[]
            {
                sheet[1]["姓名"],
                sheet[1]["公民身份号码"],
                sheet[1]["行政区划代码"],
                sheet[1]["缴费年度"],
                sheet[1]["缴费项目"],
                sheet[1]["缴费金额"],
            }
        );
        Assert.IsType<DateTime>(sheet[1]["到账日期"]);
    }

    [Fact]
    public void Forms_and_exports_render_to_the_same_bytes_twice()
    {
        Assert.Equal(
            Hash(FormDocuments.Application(Settled())),
            Hash(FormDocuments.Application(Settled()))
        );
        Assert.Equal(
            Hash(FormDocuments.PaymentNotice(Settled())),
            Hash(FormDocuments.PaymentNotice(Settled()))
        );
        Assert.Equal(Hash(CreditedExport.Xlsx(Settled())), Hash(CreditedExport.Xlsx(Settled())));
        Assert.Equal(Hash(CreditedExport.Csv(Settled())), Hash(CreditedExport.Csv(Settled())));
    }

    [Fact]
    public void A_year_summary_has_a_row_per_division_and_the_total_in_capitals()
    {
        var rows = MiniExcel
            .Query(
                new MemoryStream(
                    SummaryDocument.Xlsx(
                        "浮梁县",
                        2026,
                        new DateOnly(2026, 12, 20),
                        [
                            new SummaryLine(
                                "360222100000",
                                "浮梁镇",
                                12,
                                1500,
                                300000m,
                                300000m,
                                250000m
                            ),
                            new SummaryLine("360222106000", "蛟潭镇", 8, 900, 12300.5m, 0m, 0m),
                        ]
                    )
                ),
                useHeaderRow: false
            )
            .Cast<IDictionary<string, object?>>()
            .ToList();
        Assert.Equal("浮梁县2026年度城乡居民基本养老保险集体补助汇总表", rows[0]["A"]);
        Assert.Equal(
            SummaryDocument.Columns,
            rows[2].Values.Select(v => v?.ToString() ?? "").ToArray()
        );
        // Numbers as numbers: a spreadsheet sums the columns.
        Assert.Equal(
            new object?[] { 2d, "360222106000", "蛟潭镇", 8d, 900d, 12300.5d, 0d, 0d },
            rows[4].Values.ToArray()
        );
        Assert.Equal(
            new object?[] { null, null, "合计", 20d, 2400d, 312300.5d, 300000d, 250000d },
            rows[5].Values.ToArray()
        );
        Assert.Equal("集体补助金额合计（大写）：叁拾壹万贰仟叁佰元伍角整", rows[6]["A"]);
    }

    [Fact]
    public void The_year_summary_and_the_assessment_carry_numbers_with_number_formats_not_text()
    {
        var summary = SummaryDocument.Xlsx(
            "浮梁县",
            2026,
            new DateOnly(2026, 12, 20),
            [new SummaryLine("360222100000", "浮梁镇", 12, 1500, 300000m, 300000m, 250000m)]
        );
        var assessment = AssessmentDocument.Xlsx(
            "浮梁县",
            2026,
            new DateOnly(2026, 12, 20),
            [],
            new global::Document.Assessment.AssessmentRow(
                "360222000000",
                "浮梁县",
                0,
                10,
                9,
                0.9m,
                1,
                3610,
                2000,
                1693,
                172200m,
                653.11m,
                null,
                0.2121m,
                null
            )
        );
        foreach (
            var (workbook, numbers, formats) in new[]
            {
                (summary, "[D-H]", new[] { "#,##0", "#,##0.00" }),
                (assessment, "[D-K]", new[] { "#,##0", "#,##0.00", "0.0%", "0.00" }),
            }
        )
        {
            using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(workbook));
            var sheet = new StreamReader(
                zip.GetEntry("xl/worksheets/sheet1.xml")!.Open()
            ).ReadToEnd();
            var styles = new StreamReader(zip.GetEntry("xl/styles.xml")!.Open()).ReadToEnd();
            // The first data row's counts and amounts are numeric cells (no t="str"), each styled;
            // codes stay text.
            Assert.DoesNotMatch($"<x:c r=\"{numbers}4\" t=\"str\"", sheet);
            Assert.Matches("<x:c r=\"D4\" s=\"\\d+\"><x:v>(12|10)</x:v>", sheet);
            foreach (var format in formats)
                Assert.Contains($"formatCode=\"{format}\"", styles);
        }
    }
}
