using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using static Subsidy.EndToEndTests.ContributionFiles;

namespace Subsidy.EndToEndTests;

/// <summary>
/// Abusive uploads from a legitimate county centre (docs/design/03-import.md,
/// docs/design/08-access-and-roles.md): each is refused with a Chinese reason, holds no database
/// transaction while its client stalls, and leaves the import service healthy and back near its
/// idle memory.
/// </summary>
[Collection(SystemCollection.Name)]
public class AbuseTests(SubsidySystem system)
{
    private const string Village = "360222108201";
    private static readonly int Year = SettlementDriver.Year;

    private async Task<HttpClient> CentreAsync()
    {
        var county = await system.GatewayAsAsync("county-bureau", "360222");
        var created = await county.PostAsJsonAsync(
            "/api/registry/divisions",
            new { code = Village, name = "滥用村" }
        );
        Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict);
        await Eventually.TrueAsync(
            async () =>
                (await county.GetAsync($"/api/imports/divisions/{Village}")).IsSuccessStatusCode,
            "the village to reach the import"
        );
        return await system.GatewayAsAsync("county-centre", "360222");
    }

    private static async Task<JsonObject> FinishedAsync(
        HttpClient client,
        HttpResponseMessage upload
    )
    {
        // The same file again (the health test repeats the others) is the same batch: 200 instead
        // of 202.
        var batch = await RegistryDriver.ReadAsync(
            upload,
            upload.StatusCode == HttpStatusCode.OK ? HttpStatusCode.OK : HttpStatusCode.Accepted
        );
        return await Eventually.GetAsync(
            async () =>
            {
                var current = await client.GetFromJsonAsync<JsonObject>(
                    $"/api/imports/batches/{batch["id"]}"
                );
                return current!["state"]!.GetValue<string>() is "accepted" or "rejected" or "failed"
                    ? current
                    : null;
            },
            "the upload to be processed",
            TimeSpan.FromSeconds(90)
        );
    }

    /// <summary>Sends <paramref name="start"/> of a body that claims to be 2 GiB, then nothing,
    /// until released.</summary>
    private sealed class StallingContent(byte[] start, TaskCompletionSource release) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(
            Stream stream,
            TransportContext? context
        )
        {
            await stream.WriteAsync(start);
            await stream.FlushAsync();
            await release.Task;
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 2L << 30;
            return true;
        }
    }

    [Fact]
    public async Task A_stalled_upload_holds_no_transaction_and_is_cut_off_leaving_nothing()
    {
        var centre = await CentreAsync();
        var rows = new StringBuilder(string.Join(',', Header) + "\r\n");
        for (var i = 0; rows.Length < 1 << 20; i++)
            rows.Append(string.Join(',', Row(790000 + i % 900, Village, Year))).Append("\r\n");
        var release = new TaskCompletionSource();
        var scope = Village[..9];
        var upload = centre.PostAsync(
            $"/api/imports/contributions?scope={scope}&year={Year}&fileName=stalled.csv",
            new StallingContent(Encoding.UTF8.GetBytes(rows.ToString()), release)
        );

        await using var server = await system.OpenDatabaseAsync("postgres");
        await using var imports = await system.OpenDatabaseAsync("contribution_import");
        await Eventually.TrueAsync(
            async () =>
                await imports.ExecuteScalarAsync<int>(
                    "SELECT count(*)::int FROM import_batches WHERE file_name = 'stalled.csv'"
                ) == 1,
            "the upload to begin"
        );
        // While the client sends nothing, no session of the import sits in a transaction it opened
        // for this upload.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var open = await server.QueryAsync<string>(
            """
            SELECT state || ': ' || left(query, 60) FROM pg_stat_activity
            WHERE datname = 'contribution_import' AND xact_start IS NOT NULL AND now() - xact_start
                > interval '1 second' AND pid <> pg_backend_pid()
            """
        );
        Assert.Empty(open);

        // The import stops waiting after Import:StallSeconds (3 s here) and keeps nothing of the
        // upload, though the client has not gone away.
        await Eventually.TrueAsync(
            async () =>
                await imports.ExecuteScalarAsync<int>(
                    "SELECT count(*)::int FROM import_batches WHERE file_name = 'stalled.csv'"
                ) == 0,
            "the stalled upload to be cut off",
            TimeSpan.FromSeconds(30)
        );
        Assert.Equal(
            0,
            await imports.ExecuteScalarAsync<int>(
                "SELECT count(*)::int FROM upload_chunks c LEFT JOIN import_batches b ON b.id = c.batch_id WHERE b.id IS NULL"
            )
        );
        release.TrySetResult();
        try
        {
            var response = await upload.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(HttpStatusCode.RequestTimeout, response.StatusCode);
            Assert.Contains("上传中断", await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException)
        {
            // The server may close the connection before the client reads its answer: cut off all
            // the same.
        }
    }

    [Fact]
    public async Task A_workbook_that_would_expand_into_hundreds_of_megabytes_is_refused_at_once()
    {
        var centre = await CentreAsync();
        using var bomb = new MemoryStream();
        using (var zip = new ZipArchive(bomb, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var sheet = zip.CreateEntry(
                    "xl/worksheets/sheet1.xml",
                    CompressionLevel.SmallestSize
                )
                .Open();
            var spaces = new byte[1 << 20];
            Array.Fill(spaces, (byte)' ');
            for (var i = 0; i < 250; i++)
                sheet.Write(spaces);
        }
        Assert.True(bomb.Length < 2 << 20, $"the bomb is {bomb.Length} bytes");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var batch = await FinishedAsync(
            centre,
            await centre.PostAsync(
                $"/api/imports/contributions?scope={Village[..9]}&year={Year}&fileName=bomb.xlsx",
                new ByteArrayContent(bomb.ToArray())
            )
        );
        Assert.Equal("rejected", batch["state"]!.GetValue<string>());
        Assert.Contains("解压后超过", batch["errors"]![0]!["reason"]!.GetValue<string>());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"refused after {clock.Elapsed}");
    }

    [Fact]
    public async Task A_file_of_one_endless_line_is_refused_in_chinese()
    {
        var centre = await CentreAsync();
        var file = Encoding.UTF8.GetBytes(
            string.Join(',', Header) + "\r\n" + new string('9', 5 << 20)
        );
        var batch = await FinishedAsync(
            centre,
            await centre.PostAsync(
                $"/api/imports/contributions?scope={Village[..9]}&year={Year}&fileName=line.csv",
                new ByteArrayContent(file)
            )
        );
        Assert.Equal("rejected", batch["state"]!.GetValue<string>());
        var reason = batch["errors"]![0]!["reason"]!.GetValue<string>();
        Assert.StartsWith("第2行过长", reason);
        Assert.DoesNotContain("MaxBufferSize", reason);
        Assert.DoesNotContain("too large", reason);
    }

    [Fact]
    public async Task A_file_of_endless_bad_rows_keeps_ten_thousand_errors_counts_all_and_echoes_formulas_as_text()
    {
        var centre = await CentreAsync();
        var rows = Enumerable.Range(0, 12_000).Select(i => Row(791000 + i, Village, Year)).ToList();
        foreach (var row in rows)
            row[7] = "=HYPERLINK(\"http://evil.example\",\"x\")"; // every amount a formula
        var batch = await FinishedAsync(
            centre,
            await centre.PostAsync(
                $"/api/imports/contributions?scope={Village[..9]}&year={Year}&fileName=bad.csv",
                new ByteArrayContent(Csv(rows, new UTF8Encoding(false)))
            )
        );
        Assert.Equal("rejected", batch["state"]!.GetValue<string>());
        Assert.Equal(12_000, batch["errorCount"]!.GetValue<int>());
        Assert.Equal(100, batch["errors"]!.AsArray().Count);
        var report = await centre.GetStringAsync($"/api/imports/batches/{batch["id"]}/errors.csv");
        var lines = report.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + 10_000 + 1, lines.Length);
        Assert.Contains("另有 2,000 处未列出", lines[^1]);
        Assert.Contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",", lines[1]);
        Assert.DoesNotContain(lines.Skip(1), l => l.Split(',')[2].StartsWith('='));
    }

    [Fact]
    public async Task After_the_abuse_the_import_is_healthy_and_back_near_its_idle_memory()
    {
        var before = await ScrapedMetrics.ReadAsync(system, "contribution-import");
        var idle =
            before.Sum("process_memory_usage_bytes")
            + before.Sum("dotnet_process_memory_working_set_bytes");
        await A_workbook_that_would_expand_into_hundreds_of_megabytes_is_refused_at_once();
        await A_file_of_one_endless_line_is_refused_in_chinese();
        using var service = system.App.CreateHttpClient("contribution-import");
        Assert.Equal("Healthy", await service.GetStringAsync("/health"));
        await Eventually.TrueAsync(
            async () =>
            {
                var now = await ScrapedMetrics.ReadAsync(system, "contribution-import");
                var memory =
                    now.Sum("process_memory_usage_bytes")
                    + now.Sum("dotnet_process_memory_working_set_bytes");
                return idle > 0 && memory < idle + (150 << 20);
            },
            "the import's working set to come back near idle",
            TimeSpan.FromSeconds(60)
        );
    }
}
