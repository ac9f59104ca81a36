using System.Diagnostics;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Text;
using ContributionImport.Imports;
using ContributionImport.Parsing;
using ContributionImport.Reading;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MiniExcelLibs;
using Npgsql;
using OpenTelemetry.Logs;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Http;
using Subsidy.ServiceDefaults.Telemetry;

namespace Subsidy.UnitTests.ServiceDefaults;

public class ErrorResponsesTests
{
    [Fact]
    public void Bad_json_is_a_chinese_400_naming_where()
    {
        var json = new System.Text.Json.JsonException("The JSON value could not be converted", "$.amount", 1, 12);
        var (status, title, detail) = ErrorResponses.Describe(new BadHttpRequestException("Failed to read parameter", json));
        Assert.Equal((400, "输入有误"), (status, title));
        Assert.Contains("$.amount", detail);
        Assert.DoesNotContain("Failed", detail);
    }

    [Fact]
    public void A_body_over_the_limit_is_413()
    {
        Assert.Equal(413, ErrorResponses.Describe(new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge)).Status);
    }

    [Fact]
    public void A_character_the_database_cannot_keep_is_400_not_500()
    {
        var nul = new PostgresException("invalid byte sequence for encoding \"UTF8\": 0x00", "ERROR", "ERROR", "22021");
        var (status, _, detail) = ErrorResponses.Describe(nul);
        Assert.Equal(400, status);
        Assert.DoesNotContain("UTF8", detail);
    }

    [Fact]
    public void Anything_else_is_a_500_that_gives_away_nothing_but_the_trace_id()
    {
        using var activity = new Activity("request").Start();
        var (status, _, detail) = ErrorResponses.Describe(new InvalidOperationException("SELECT * FROM secrets WHERE id = 360222198001011234"));
        Assert.Equal(500, status);
        Assert.DoesNotContain("SELECT", detail);
        Assert.DoesNotContain("360222", detail);
        Assert.Contains(activity.TraceId.ToString(), detail);
    }

    [Theory]
    [InlineData("360222\0", true)]
    [InlineData("a\u0001b", true)]
    [InlineData("\uFFFD", true)]
    [InlineData("360222100201", false)]
    [InlineData("浮梁县", false)]
    public void Control_characters_and_undecodable_bytes_are_unfit_for_a_request(string text, bool unfit) =>
        Assert.Equal(unfit, HostileInput.Unfit(text));
}

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
        stream.SaveAs(new[] { new Dictionary<string, object> { ["值"] = "=HYPERLINK(\"http://evil\",\"x\")" } });
        using var zip = new ZipArchive(new MemoryStream(stream.ToArray()));
        var sheet = new StreamReader(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open()).ReadToEnd();
        Assert.DoesNotContain("<x:f>", sheet);
        Assert.DoesNotContain("<f>", sheet);
        Assert.Equal("=HYPERLINK(\"http://evil\",\"x\")", MiniExcel.Query(new MemoryStream(stream.ToArray()), useHeaderRow: true).Cast<IDictionary<string, object?>>().Single()["值"]);
    }
}

public class RedactionOfExceptionsScopesAndEventsTests
{
    private const string Person = "360222198001011234";

    [Fact]
    public void An_exception_naming_a_person_is_logged_as_its_redacted_stand_in()
    {
        Exception thrown;
        try { throw new InvalidOperationException($"参保人 {Person} 重复"); } catch (Exception e) { thrown = e; }
        var redacted = RedactedException.Of(thrown);
        Assert.DoesNotContain(Person, redacted.Message);
        Assert.DoesNotContain(Person, redacted.ToString());
        Assert.Equal(typeof(InvalidOperationException).FullName, ((RedactedException)redacted).OriginalType);
        var harmless = new InvalidOperationException("村 360222100201 无方案");
        Assert.Same(harmless, RedactedException.Of(harmless));
    }

    [Fact]
    public void Scope_values_are_redacted_as_exporters_read_them()
    {
        var scopes = new LoggerExternalScopeProvider();
        using var _ = scopes.Push(new Dictionary<string, object?> { ["RequestPath"] = $"/api/x/{Person}", ["Count"] = 3 });
        using var __ = scopes.Push($"member {Person}");
        var seen = new List<string>();
        new RedactingScopeProvider(scopes).ForEachScope((scope, list) => list.Add(scope is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : scope?.ToString() ?? ""), seen);
        Assert.Equal(2, seen.Count);
        Assert.All(seen, s => Assert.DoesNotContain(Person, s));
        Assert.Contains("Count=3", seen[0]);
    }

    [Fact]
    public void OpenTelemetry_and_the_runtime_still_keep_scopes_and_events_where_the_redactors_reach_them()
    {
        Assert.NotNull(IdNumberLogRedactor.LoggerDataField);
        Assert.NotNull(IdNumberLogRedactor.ScopeProviderField);
        Assert.NotNull(IdNumberActivityRedactor.EventsField);
    }

    [Fact]
    public void Span_events_and_status_lose_their_id_numbers()
    {
        using var listener = new ActivityListener { ShouldListenTo = _ => true, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("redaction-test");
        var activity = source.StartActivity("step")!;
        activity.AddException(new InvalidOperationException($"duplicate {Person}"));
        activity.SetStatus(ActivityStatusCode.Error, $"failed for {Person}");
        activity.Stop();
        new IdNumberActivityRedactor().OnEnd(activity);
        Assert.DoesNotContain(Person, activity.StatusDescription);
        Assert.All(activity.Events.SelectMany(e => e.Tags), t => Assert.DoesNotContain(Person, t.Value?.ToString() ?? ""));
        Assert.Contains(activity.Events.SelectMany(e => e.Tags), t => t.Key == "exception.message");
    }
}

public class ImportLimitsTests
{
    [Fact]
    public void A_batch_keeps_the_first_errors_and_counts_the_rest()
    {
        var sink = new ErrorSink();
        for (var i = 0; i < ErrorSink.StoredLimit + 250; i++) sink.Add(new ImportError(i + 2, "姓名", null, "姓名不能为空"));
        Assert.Equal(ErrorSink.StoredLimit + 250, sink.Count);
    }

    [Fact]
    public void An_echoed_value_is_cut_to_a_readable_length() =>
        Assert.True(ErrorSink.Truncated(new string('x', 100_000)).Length < 300);

    [Fact]
    public void A_workbook_that_expands_past_its_bound_is_refused_before_it_is_read()
    {
        var path = Path.GetTempFileName();
        try
        {
            using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
            using (var part = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open())
            {
                var zeros = new byte[1 << 20];
                for (var i = 0; i < 80; i++) part.Write(zeros);   // 80 MB of zeros: some 80 KB on disk
            }
            var why = WorkbookGuard.WhyRefused(path);
            Assert.NotNull(why);
            Assert.Contains("解压后超过", why);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_real_workbook_is_read()
    {
        var path = Path.GetTempFileName();
        try
        {
            using (var file = File.Create(path))
            {
                file.SaveAs(Enumerable.Range(0, 2000).Select(i => new Dictionary<string, object> { ["姓名"] = $"张{i}", ["金额"] = 500 }));
            }
            Assert.Null(WorkbookGuard.WhyRefused(path));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_csv_line_without_end_is_refused_in_chinese()
    {
        var oneLine = Encoding.UTF8.GetBytes("姓名,公民身份号码\r\n" + new string('x', TabularReader.MaxRowBytes + 10));
        var error = Assert.ThrowsAny<Exception>(() => TabularReader.ReadCsv(new MemoryStream(oneLine)).ToList());
        var why = FileProblems.WhyUnreadable(error, 2);
        Assert.NotNull(why);
        Assert.StartsWith("第2行过长", why);
        Assert.DoesNotMatch("[A-Za-z]{4,}", why!.Replace("KB", ""));
    }

    [Fact]
    public async Task An_upload_that_sends_nothing_for_the_allowed_time_is_cut_off()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[1000]);   // a start, then nothing more
        var clock = Stopwatch.StartNew();
        var stalled = await Assert.ThrowsAsync<UploadStalledException>(() => UploadPieces.ReadAsync(pipe.Reader.AsStream(), new byte[1 << 20], TimeSpan.FromMilliseconds(300), CancellationToken.None));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Contains("上传中断", stalled.Message);
    }

    [Fact]
    public async Task The_live_reader_lets_its_transaction_go_before_it_waits_on_the_client()
    {
        var pipe = new Pipe();
        var flushes = 0;
        var stream = new IdleAwareStream(pipe.Reader, TimeSpan.FromMilliseconds(50), () => flushes++);
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("a,b\r\n"));
        var buffer = new byte[100];
        Assert.Equal(5, stream.Read(buffer));
        Assert.Equal(0, flushes);                       // data was there: no wait, no flush
        var reading = Task.Run(() => stream.Read(buffer));
        for (var waited = 0; flushes == 0 && waited < 10_000; waited += 20) await Task.Delay(20);
        Assert.Equal(1, flushes);                       // nothing came: what was copied is committed before waiting on
        Assert.False(reading.IsCompleted);
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("c,d\r\n"));
        Assert.Equal(5, await reading);
        await pipe.Writer.CompleteAsync();
        Assert.Equal(0, stream.Read(buffer));
    }
}
