using System.Diagnostics;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Text;
using ContributionImport.Imports;
using ContributionImport.Parsing;
using ContributionImport.Reading;
using MiniExcelLibs;

namespace Subsidy.UnitTests.ContributionImport;

public class ImportLimitsTests
{
    [Fact]
    public void A_batch_keeps_the_first_errors_and_counts_the_rest()
    {
        var sink = new ErrorSink();
        for (var i = 0; i < ErrorSink.StoredLimit + 250; i++)
            sink.Add(new ImportError(i + 2, "姓名", null, "姓名不能为空"));
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
            using (
                var part = zip.CreateEntry(
                        "xl/worksheets/sheet1.xml",
                        CompressionLevel.SmallestSize
                    )
                    .Open()
            )
            {
                var zeros = new byte[1 << 20];
                for (var i = 0; i < 80; i++)
                    part.Write(zeros); // 80 MB of zeros: some 80 KB on disk
            }
            var why = WorkbookGuard.WhyRefused(path);
            Assert.NotNull(why);
            Assert.Contains("解压后超过", why);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_real_workbook_is_read()
    {
        var path = Path.GetTempFileName();
        try
        {
            using (var file = File.Create(path))
            {
                file.SaveAs(
                    Enumerable
                        .Range(0, 2000)
                        .Select(i => new Dictionary<string, object>
                        {
                            ["姓名"] = $"张{i}",
                            ["金额"] = 500,
                        })
                );
            }
            Assert.Null(WorkbookGuard.WhyRefused(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_csv_line_without_end_is_refused_in_chinese()
    {
        var oneLine = Encoding.UTF8.GetBytes(
            "姓名,公民身份号码\r\n" + new string('x', TabularReader.MaxRowBytes + 10)
        );
        var error = Assert.ThrowsAny<Exception>(() =>
            TabularReader.ReadCsv(new MemoryStream(oneLine)).ToList()
        );
        var why = FileProblems.WhyUnreadable(error, 2);
        Assert.NotNull(why);
        Assert.StartsWith("第2行过长", why);
        Assert.DoesNotMatch("[A-Za-z]{4,}", why!.Replace("KB", ""));
    }

    [Fact]
    public async Task An_upload_that_sends_nothing_for_the_allowed_time_is_cut_off()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[1000]); // a start, then nothing more
        var clock = Stopwatch.StartNew();
        var stalled = await Assert.ThrowsAsync<UploadStalledException>(() =>
            UploadPieces.ReadAsync(
                pipe.Reader.AsStream(),
                new byte[1 << 20],
                TimeSpan.FromMilliseconds(300),
                CancellationToken.None
            )
        );
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Contains("上传中断", stalled.Message);
    }

    [Fact]
    public async Task The_live_reader_lets_its_transaction_go_before_it_waits_on_the_client()
    {
        var pipe = new Pipe();
        var flushes = 0;
        var stream = new IdleAwareStream(pipe.Reader, TimeSpan.FromMilliseconds(50), () =>
            flushes++
        );
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("a,b\r\n"));
        var buffer = new byte[100];
        Assert.Equal(5, stream.Read(buffer));
        Assert.Equal(0, flushes); // data was there: no wait, no flush
        var reading = Task.Run(() => stream.Read(buffer));
        for (var waited = 0; flushes == 0 && waited < 10_000; waited += 20)
            await Task.Delay(20);
        Assert.Equal(1, flushes); // nothing came: what was copied is committed before waiting on
        Assert.False(reading.IsCompleted);
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("c,d\r\n"));
        Assert.Equal(5, await reading);
        await pipe.Writer.CompleteAsync();
        Assert.Equal(0, stream.Read(buffer));
    }
}
