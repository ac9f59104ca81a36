using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using MiniExcelLibs;
using static Subsidy.EndToEndTests.ContributionFiles;

namespace Subsidy.EndToEndTests;

/// <summary>
/// Exports as county staff really get them (docs/design/03-import.md): the business system's own 小计
/// and 合计 rows, amounts typed with a Chinese input method, and ID numbers a spreadsheet kept as
/// numbers — uploaded through the gateway as CSV and as XLSX.
/// </summary>
[Collection(SystemCollection.Name)]
public class ExportShapeTests(SubsidySystem system) : IAsyncLifetime
{
    private static readonly int Year = BusinessDay.Today.Year;
    private const string Township = "360222111";
    private static readonly string[] Villages = ["360222111201", "360222111202"];
    private static readonly string[] ExportHeader = ["序号", .. Header, "联系电话"];

    public async Task InitializeAsync()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var county = await system.GatewayAsAsync("county-bureau", "360222");
        // A township of its own, so its uploads supersede no other test's batch.
        var township = await county.PostAsJsonAsync(
            "/api/registry/divisions",
            new { code = Township + "000", name = "样式镇" }
        );
        Assert.True(
            township.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict,
            await township.Content.ReadAsStringAsync()
        );
        foreach (var (code, i) in Villages.Select((c, i) => (c, i)))
        {
            var created = await county.PostAsJsonAsync(
                "/api/registry/divisions",
                new { code, name = $"样式村{i}" }
            );
            Assert.True(
                created.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict,
                await created.Content.ReadAsStringAsync()
            );
        }
        await using var imports = await system.OpenDatabaseAsync("contribution_import");
        await Eventually.TrueAsync(
            async () =>
                await imports.ExecuteScalarAsync<int>(
                    "SELECT count(*) FROM known_divisions WHERE code = ANY(@Villages)",
                    new { Villages }
                ) == Villages.Length
                && await imports.ExecuteScalarAsync<int>(
                    "SELECT count(*) FROM known_policy_years WHERE year = @Year",
                    new { Year }
                ) > 0,
            "contribution-import to know the villages and the policy year"
        );
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Each village's records followed by its 小计, then the file's 合计: the sums as the
    /// export writes them.</summary>
    private static List<string[]> WithTotals(int firstPerson, decimal? wrongGrandTotal = null)
    {
        var lines = new List<string[]>();
        decimal all = 0;
        var serial = 0;
        foreach (var (village, v) in Villages.Select((village, v) => (village, v)))
        {
            decimal village_sum = 0;
            for (var i = 0; i < 3; i++)
            {
                var row = Row(firstPerson + v * 10 + i, village, Year, amount: i == 2 ? 1000 : 500);
                lines.Add([
                    (++serial).ToString(CultureInfo.InvariantCulture),
                    .. row,
                    "13800000000",
                ]);
                village_sum += i == 2 ? 1000 : 500;
            }
            lines.Add([
                "",
                "小计",
                "",
                "",
                "",
                "",
                "",
                "",
                village_sum.ToString("N2", CultureInfo.InvariantCulture),
                "",
                "",
                "",
                "",
            ]);
            all += village_sum;
        }
        lines.Add([
            "合计",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            (wrongGrandTotal ?? all).ToString("N2", CultureInfo.InvariantCulture),
            "",
            "",
            "",
            "",
        ]);
        return lines;
    }

    private async Task<JsonObject> ImportAsync(byte[] file, string fileName)
    {
        var centre = await system.GatewayAsAsync("county-centre", "360222");
        var response = await centre.PostAsync(
            $"/api/imports/contributions?scope={Township}&year={Year}&fileName={fileName}",
            new ByteArrayContent(file)
        );
        var accepted = await RegistryDriver.ReadAsync(response, HttpStatusCode.Accepted);
        return await Eventually.GetAsync(
            async () =>
            {
                var current = await centre.GetFromJsonAsync<JsonObject>(
                    $"/api/imports/batches/{accepted["id"]}"
                );
                return current!["state"]!.GetValue<string>() is "accepted" or "rejected" or "failed"
                    ? current
                    : null;
            },
            "the export to be processed"
        );
    }

    private async Task<string> ErrorReportAsync(JsonObject batch)
    {
        var centre = await system.GatewayAsAsync("county-centre", "360222");
        return await centre.GetStringAsync($"/api/imports/batches/{batch["id"]}/errors.csv");
    }

    private static byte[] Workbook(IReadOnlyList<object?[]> lines)
    {
        // Every line as wide as the widest: the workbook takes its columns from the first line's
        // keys.
        var width = lines.Max(cells => cells.Length);
        var sheet = lines
            .Select(cells =>
            {
                var line = new Dictionary<string, object?>();
                for (var c = 0; c < width; c++)
                    line[((char)('A' + c)).ToString()] = c < cells.Length ? cells[c] : null;
                return line;
            })
            .ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(sheet, printHeader: false);
        return stream.ToArray();
    }

    [Fact]
    public async Task A_gbk_export_with_village_subtotals_and_a_closing_total_is_accepted_with_the_totals_skipped_and_said()
    {
        var batch = await ImportAsync(
            Csv(WithTotals(81_000), Encoding.GetEncoding(54936), header: ExportHeader),
            "subtotals.csv"
        );

        Assert.True(batch["state"]!.GetValue<string>() == "accepted", batch.ToJsonString());
        Assert.Equal(6, batch["rowsAccepted"]!.GetValue<long>());
        Assert.Equal(6, batch["rowsRead"]!.GetValue<long>());
        Assert.StartsWith(
            "跳过合计/小计行 3 行（第5、9、10行）",
            batch["note"]!.GetValue<string>()
        );
    }

    [Fact]
    public async Task A_workbook_whose_closing_total_is_a_number_cell_is_accepted()
    {
        var records = Enumerable
            .Range(0, 4)
            .Select(i => (object?[])[.. Row(82_000 + i, Villages[i % 2], Year, amount: 500)])
            .ToList();
        object?[] total = ["合计", null, null, null, null, null, null, 2000d, null, null, null];
        var batch = await ImportAsync(
            Workbook([
                ["城乡居民基本养老保险参保缴费明细"],
                [.. Header],
                .. records,
                total,
            ]),
            "total.xlsx"
        );

        Assert.True(batch["state"]!.GetValue<string>() == "accepted", batch.ToJsonString());
        Assert.Equal(4, batch["rowsAccepted"]!.GetValue<long>());
        Assert.Contains("第7行", batch["note"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_closing_total_that_disagrees_with_the_records_rejects_the_file_at_that_row()
    {
        var batch = await ImportAsync(
            Csv(
                WithTotals(83_000, wrongGrandTotal: 4500m),
                new UTF8Encoding(false),
                header: ExportHeader
            ),
            "wrong-total.csv"
        );

        Assert.Equal("rejected", batch["state"]!.GetValue<string>());
        Assert.Equal(1, batch["errorCount"]!.GetValue<int>());
        var report = await ErrorReportAsync(batch);
        Assert.Contains("10,缴费金额,\"4,500.00\",", report);
        Assert.Contains("合计行金额 4,500.00 元与全部明细行缴费金额之和 4,000.00 元不符", report);
        await using var imports = await system.OpenDatabaseAsync("contribution_import");
        Assert.Equal(
            0,
            await imports.ExecuteScalarAsync<int>(
                "SELECT count(*) FROM contribution_rows WHERE batch_id = @id::uuid",
                new { id = batch["id"]!.GetValue<string>() }
            )
        );
    }

    [Fact]
    public async Task Amounts_tiers_and_codes_typed_in_full_width_digits_are_read_as_numbers()
    {
        static string Wide(string s) =>
            new(s.Select(c => c is >= '!' and <= '~' ? (char)(c + 0xFEE0) : c).ToArray());
        var rows = Enumerable
            .Range(0, 3)
            .Select(i => Row(84_000 + i, Villages[0], Year, amount: 1000))
            .ToList();
        foreach (var row in rows)
        {
            row[6] = Wide(row[6]); // 缴费档次 １０００
            row[7] = Wide("1,000.00"); // 缴费金额 １，０００．００
            row[3] = Wide(row[3]); // 缴费年度
        }
        rows[0][1] = Wide(rows[0][1]); // the ID number too

        var csv = await ImportAsync(Csv(rows, new UTF8Encoding(false)), "full-width.csv");
        var xlsx = await ImportAsync(
            Workbook([
                [.. Header],
                .. rows.Select(r => (object?[])[.. r]),
            ]),
            "full-width.xlsx"
        );

        Assert.True(csv["state"]!.GetValue<string>() == "accepted", csv.ToJsonString());
        Assert.True(xlsx["state"]!.GetValue<string>() == "accepted", xlsx.ToJsonString());
        await using var imports = await system.OpenDatabaseAsync("contribution_import");
        Assert.Equal(
            3000m,
            await imports.ExecuteScalarAsync<decimal>(
                "SELECT sum(amount) FROM contribution_rows WHERE batch_id = @id::uuid",
                new { id = csv["id"]!.GetValue<string>() }
            )
        );
    }

    [Fact]
    public async Task An_id_number_a_spreadsheet_kept_as_a_number_is_reported_as_such_with_how_to_export_it_again()
    {
        // People whose check character is a digit: an ID number ending in X cannot have been kept
        // as a number.
        static int Numeric(int from) =>
            Enumerable.Range(from, 50).First(p => char.IsAsciiDigit(Id(p)[17]));
        var person = Row(Numeric(85_000), Villages[1], Year);
        var asNumber = double.Parse(person[1], CultureInfo.InvariantCulture);
        object?[] numeric = [.. person];
        numeric[1] = asNumber;
        var xlsx = await ImportAsync(
            Workbook([
                [.. Header],
                [.. Row(85_050, Villages[1], Year)],
                numeric,
            ]),
            "id-as-number.xlsx"
        );
        var csvRow = Row(Numeric(85_100), Villages[1], Year);
        csvRow[1] = double.Parse(csvRow[1], CultureInfo.InvariantCulture)
            .ToString("0.##############E+0", CultureInfo.InvariantCulture);
        var csv = await ImportAsync(Csv([csvRow], new UTF8Encoding(false)), "id-as-number.csv");

        foreach (var (batch, row) in new[] { (xlsx, 3), (csv, 2) })
        {
            Assert.Equal("rejected", batch["state"]!.GetValue<string>());
            var report = await ErrorReportAsync(batch);
            var line = report
                .Split('\n')
                .Single(l => l.StartsWith($"{row},公民身份号码,", StringComparison.Ordinal));
            Assert.Contains("E+17", line);
            Assert.Contains("存成了数字", line);
            Assert.Contains("设为文本格式后重新导出", line);
            Assert.DoesNotContain("校验码", line);
        }
    }
}
