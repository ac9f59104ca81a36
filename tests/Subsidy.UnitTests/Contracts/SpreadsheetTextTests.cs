using System.IO.Compression;
using MiniExcelLibs;
using Subsidy.Contracts;

namespace Subsidy.UnitTests.Contracts;

public class SpreadsheetTextTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\",\"x\")", "'=HYPERLINK(\"http://x\",\"x\")")]
    [InlineData("+1", "'+1")]
    [InlineData("-5", "'-5")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("\rcmd", "'\rcmd")]
    [InlineData("张三", "张三")]
    [InlineData("300.00", "300.00")]
    public void A_value_a_spreadsheet_would_run_is_written_as_text(string value, string written) =>
        Assert.Equal(written, SpreadsheetText.Safe(value));

    [Fact]
    public void A_csv_field_with_a_comma_or_quote_is_quoted_after_being_made_safe() =>
        Assert.Equal("\"'=A1,\"\"x\"\"\"", SpreadsheetText.CsvField("=A1,\"x\""));

    [Fact]
    public void A_workbook_cell_starting_with_equals_is_a_text_cell_not_a_formula()
    {
        using var stream = new MemoryStream();
        stream.SaveAs(
            new[]
            {
                new Dictionary<string, object> { ["值"] = "=HYPERLINK(\"http://evil\",\"x\")" },
            }
        );
        using var zip = new ZipArchive(new MemoryStream(stream.ToArray()));
        var sheet = new StreamReader(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open()).ReadToEnd();
        Assert.DoesNotContain("<x:f>", sheet);
        Assert.DoesNotContain("<f>", sheet);
        Assert.Equal(
            "=HYPERLINK(\"http://evil\",\"x\")",
            MiniExcel
                .Query(new MemoryStream(stream.ToArray()), useHeaderRow: true)
                .Cast<IDictionary<string, object?>>()
                .Single()["值"]
        );
    }
}
