using System.Diagnostics;
using ContributionImport.Parsing;
using ContributionImport.Reading;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Messaging;
using Subsidy.ServiceDefaults.Telemetry;

namespace ContributionImport.Imports;

/// <summary>
/// Processes one uploaded contribution-detail file: streams its rows, checks every rule, binary-COPYs the
/// records in one transaction and writes every error through a second connection. Any error rolls the
/// records back whole; a crash does the same, since nothing commits before the end.
/// </summary>
public sealed partial class BatchProcessor(NpgsqlDataSource dataSource, ILogger<BatchProcessor> logger)
{
    public const int ProgressEvery = 20_000;
    public const int ChunkRows = 2_000;

    private static readonly System.Diagnostics.Metrics.Counter<long> RowsImported = SubsidyTelemetry.Meter.CreateCounter<long>("subsidy.import.rows_accepted", description: "Contribution rows accepted");
    private static readonly System.Diagnostics.Metrics.Counter<long> RowsRejected = SubsidyTelemetry.Meter.CreateCounter<long>("subsidy.import.rows_rejected", description: "Rows of files rejected for an invalid row (nothing of such a file counts)");

    private const string DuplicatesSql = """
        SELECT row_no AS RowNumber, first_row AS FirstRow, id_number AS IdNumber FROM (
            SELECT row_no, id_number,
                   min(row_no) OVER w AS first_row
            FROM contribution_rows
            WHERE batch_id = @BatchId
            WINDOW w AS (PARTITION BY id_number, village_code, year, item, pay_type, amount, paid_on)
        ) d
        WHERE row_no <> first_row
        ORDER BY row_no
        """;

    private const string AnyDuplicateSql = """
        SET LOCAL work_mem = '256MB';
        SELECT EXISTS (SELECT 1 FROM contribution_rows WHERE batch_id = @BatchId GROUP BY duplicate_key HAVING count(*) > 1)
        """;

    private sealed record Duplicate(int RowNumber, int FirstRow, string IdNumber);

    /// <summary>Processes a stored upload.</summary>
    public Task ProcessAsync(Batch batch, CancellationToken cancellationToken) => ProcessAsync(batch, live: null, stored: null, cancellationToken);

    /// <param name="live">The file as it arrives (<see cref="LiveImport"/>), or null to read the stored upload.</param>
    /// <param name="stored">For a live file: whether the upload was then stored as a new batch. Its records count only if so.</param>
    public async Task ProcessAsync(Batch batch, Stream? live, Task<bool>? stored, CancellationToken cancellationToken)
    {
        using var activity = SubsidyTelemetry.ActivitySource.StartActivity("import batch");
        activity?.SetTag("subsidy.batch.id", batch.Id);
        var started = Stopwatch.GetTimestamp();
        // A batch resumed after a crash starts again from nothing.
        if (live is null) await BatchStore.StartProcessingAsync(dataSource, batch.Id, cancellationToken);

        var context = await LoadContextAsync(batch, cancellationToken);
        if (context is null)
        {
            if (!await UploadStoredAsync(live, stored)) return;
            await BatchStore.RejectAsync(dataSource, batch.Id, 0, [new ImportError(0, "缴费年度", batch.Year.ToString(), $"{batch.Year} 年度政策参数尚未下发，无法校验缴费档次")], cancellationToken);
            return;
        }

        await using var data = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await data.BeginTransactionAsync(cancellationToken);
        await using var errorsConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var progress = await dataSource.OpenConnectionAsync(cancellationToken);

        var errorCount = 0;
        long rowsRead = 0;
        long readTicks = 0, writeTicks = 0;
        long accepted = 0;
        await using (var errors = await errorsConnection.BeginBinaryImportAsync("COPY import_errors (batch_id, row_no, column_name, value, reason) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            async Task WriteError(ImportError error)
            {
                errorCount++;
                await errors.StartRowAsync(cancellationToken);
                await errors.WriteAsync(batch.Id, NpgsqlDbType.Uuid, cancellationToken);
                await errors.WriteAsync(error.RowNumber, NpgsqlDbType.Integer, cancellationToken);
                await errors.WriteAsync(error.Column, NpgsqlDbType.Text, cancellationToken);
                if (error.Value is null) await errors.WriteNullAsync(cancellationToken); else await errors.WriteAsync(error.Value, NpgsqlDbType.Text, cancellationToken);
                await errors.WriteAsync(error.Reason, NpgsqlDbType.Text, cancellationToken);
            }

            await using (var rows = await data.BeginBinaryImportAsync("""
                COPY contribution_rows (batch_id, row_no, name, id_number, village_code, year, item, pay_type, tier, amount, paid_on, identity, special_group, receiving_benefits, duplicate_key)
                FROM STDIN (FORMAT BINARY)
                """, cancellationToken))
            {
                string? tempFile = null;
                try
                {
                    var (source, temp) = live is null ? await OpenRowsAsync(dataSource, batch.Id, cancellationToken) : (TabularReader.ReadCsv(live), null);
                    tempFile = temp;
                    using var enumerator = source.GetEnumerator();
                    var head = new List<TabularRow>();
                    while (head.Count < HeaderMap.RowsSearched && enumerator.MoveNext()) head.Add(enumerator.Current);
                    var (map, missing) = HeaderMap.Detect(head.Select(r => r.Cells).ToList());
                    if (map is null)
                    {
                        foreach (var field in missing) await WriteError(new ImportError(1, Columns.Label(field), null, $"找不到“{Columns.Label(field)}”列（可用表头：{string.Join("、", Columns.Headers[field])}），请检查前10行中的表头"));
                    }
                    else
                    {
                        var rowsSource = head.Skip(map.HeaderRowIndex + 1).Concat(Rest(enumerator)).GetEnumerator();
                        var mark = Stopwatch.GetTimestamp();
                        while (rowsSource.MoveNext())
                        {
                            var row = rowsSource.Current;
                            readTicks += Stopwatch.GetTimestamp() - mark;
                            mark = Stopwatch.GetTimestamp();
                            if (row.IsEmpty) continue;
                            rowsRead++;
                            var (record, rowErrors) = ContributionRowParser.Parse(row.RowNumber, row.Cells, map, context);
                            if (record is null)
                            {
                                foreach (var error in rowErrors) await WriteError(error);
                            }
                            else if (errorCount == 0)
                            {
                                // Once the file is known to be rejected its records are no longer written.
                                var beforeWrite = Stopwatch.GetTimestamp();
                                WriteRecord(rows, batch.Id, record);
                                writeTicks += Stopwatch.GetTimestamp() - beforeWrite;
                                accepted++;
                            }
                            if (rowsRead % ProgressEvery == 0)
                            {
                                await progress.ExecuteAsync(new CommandDefinition("UPDATE import_batches SET rows_read = @rowsRead WHERE id = @Id", new { rowsRead, batch.Id }, cancellationToken: cancellationToken));
                            }
                            mark = Stopwatch.GetTimestamp();
                        }
                        if (rowsRead == 0) await WriteError(new ImportError(map.HeaderRowIndex + 1, "（全部）", null, "文件中没有数据行"));
                    }
                }
                catch (Exception e) when (e is InvalidDataException or FormatException or Sylvan.Data.Csv.CsvFormatException)
                {
                    await WriteError(new ImportError((int)rowsRead + 1, "（文件）", null, $"文件无法读取：{e.Message}"));
                }
                finally
                {
                    if (tempFile is not null) File.Delete(tempFile);
                }
                await rows.CompleteAsync(cancellationToken);
            }
            // Leaving now cancels the error rows and rolls the records back.
            if (!await UploadStoredAsync(live, stored)) return;

            if (errorCount == 0 && await data.ExecuteScalarAsync<bool>(new CommandDefinition(AnyDuplicateSql, new { BatchId = batch.Id }, transaction, cancellationToken: cancellationToken)))
            {
                var duplicates = (await data.QueryAsync<Duplicate>(new CommandDefinition(DuplicatesSql, new { BatchId = batch.Id }, transaction, cancellationToken: cancellationToken))).AsList();
                foreach (var duplicate in duplicates)
                {
                    await WriteError(new ImportError(duplicate.RowNumber, Columns.Label(Field.IdNumber), duplicate.IdNumber, $"与第{duplicate.FirstRow}行重复（同一人、同一村、同一年度、项目、类型、金额与日期）"));
                }
            }
            await errors.CompleteAsync(cancellationToken);
        }
        var loaded = Stopwatch.GetElapsedTime(started);

        if (errorCount > 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            await progress.ExecuteAsync(new CommandDefinition("""
                UPDATE import_batches SET state = 'rejected', rows_read = @rowsRead, error_count = @errorCount, finished_at = now() WHERE id = @Id
                """, new { rowsRead, errorCount, batch.Id }, cancellationToken: cancellationToken));
            RowsRejected.Add(rowsRead);
            LogRejected(logger, batch.Id, errorCount, rowsRead);
            return;
        }

        await AcceptAsync(data, transaction, batch, rowsRead, accepted, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        RowsImported.Add(accepted);
        LogAccepted(logger, batch.Id, accepted, Stopwatch.GetElapsedTime(started).TotalSeconds, loaded.TotalSeconds,
            (double)readTicks / Stopwatch.Frequency, (double)writeTicks / Stopwatch.Frequency);
    }

    /// <summary>Whether the records may count: always for a stored upload; for a live one, once its upload is stored as a new batch.</summary>
    private static async Task<bool> UploadStoredAsync(Stream? live, Task<bool>? stored)
    {
        if (live is null) return true;
        // Stop reading first: the upload may still be sending the rest of a file this processor has given up on.
        await live.DisposeAsync();
        return await stored!;
    }

    public static IEnumerable<TabularRow> Rest(IEnumerator<TabularRow> enumerator)
    {
        while (enumerator.MoveNext()) yield return enumerator.Current;
    }

    /// <summary>Marks the batch accepted, supersedes older accepted batches it covers, and announces it, in the records' transaction.</summary>
    private static async Task AcceptAsync(NpgsqlConnection data, NpgsqlTransaction transaction, Batch batch, long rowsRead, long accepted, CancellationToken cancellationToken)
    {
        var superseded = (await data.QueryAsync<Guid>(new CommandDefinition("""
            UPDATE import_batches SET state = 'superseded', superseded_by = @Id
            WHERE kind = @Kind AND year = @Year AND state = 'accepted' AND id <> @Id AND scope_code LIKE @ScopeCode || '%'
            RETURNING id
            """, new { batch.Id, batch.Kind, batch.Year, batch.ScopeCode }, transaction, cancellationToken: cancellationToken))).AsList();
        var villages = (await data.QueryAsync<(string VillageCode, int Rows)>(new CommandDefinition("""
            SELECT village_code, count(*)::int FROM contribution_rows WHERE batch_id = @Id GROUP BY village_code ORDER BY village_code
            """, new { batch.Id }, transaction, cancellationToken: cancellationToken))).AsList();
        await data.ExecuteAsync(new CommandDefinition("""
            UPDATE import_batches SET state = 'accepted', rows_read = @rowsRead, rows_accepted = @accepted, finished_at = now() WHERE id = @Id;
            SELECT pg_notify('import_published', @Id::text);
            """, new { rowsRead, accepted, batch.Id }, transaction, cancellationToken: cancellationToken));
        await OutboxWriter.EnqueueAsync(data, transaction, new ContributionBatchAccepted(batch.Id, batch.ScopeCode, batch.Year, DateTimeOffset.UtcNow,
            villages.Select(v => new VillageRowCount(v.VillageCode, v.Rows, (v.Rows + ChunkRows - 1) / ChunkRows)).ToList(), superseded), cancellationToken);
    }

    private sealed class PolicyRow
    {
        public string RegionCode { get; set; } = "";
        public int Year { get; set; }
        public decimal[] Tiers { get; set; } = [];
        public decimal SpecialTier { get; set; }
    }

    private const string PolicyYearsSql = """
        SELECT region_code, year, tiers, special_tier FROM known_policy_years WHERE year <= @Year AND region_code IN (@county, @province)
        """;

    /// <summary>The villages of the scope and the tiers of every policy year known for it; null while the export's own year is unknown.</summary>
    private async Task<ImportContext?> LoadContextAsync(Batch batch, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var villages = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT code FROM known_divisions WHERE level = 5 AND active AND code LIKE @ScopeCode || '%'", new { batch.ScopeCode }, cancellationToken: cancellationToken))).ToHashSet();
        var (county, province) = EffectivePolicyYear.RegionsOf(batch.ScopeCode.PadRight(DivisionCode.Length, '0'));
        var candidates = await connection.QueryAsync<PolicyRow>(new CommandDefinition(PolicyYearsSql, new { batch.Year, county, province }, cancellationToken: cancellationToken));
        var tiersByYear = candidates.GroupBy(p => p.Year)
            .Select(g => EffectivePolicyYear.Pick(g, p => p.RegionCode, county)!)
            .ToDictionary(p => p.Year, p => (IReadOnlySet<decimal>)p.Tiers.Append(p.SpecialTier).ToHashSet());
        return tiersByYear.ContainsKey(batch.Year) ? new ImportContext(batch.Year, batch.ScopeCode, villages, tiersByYear) : null;
    }

    /// <summary>The file's rows; a workbook is first copied to a temporary file, since a zip is read from its end.</summary>
    public static async Task<(IEnumerable<TabularRow> Rows, string? TempFile)> OpenRowsAsync(NpgsqlDataSource dataSource, Guid batchId, CancellationToken cancellationToken)
    {
        var stream = new UploadChunkStream(dataSource, batchId);
        var head = new byte[4];
        var read = await stream.ReadAtLeastAsync(head, 4, throwOnEndOfStream: false, cancellationToken);
        var replay = new PrefixedStream(head.AsMemory(0, read), stream);
        if (TabularReader.DetectFormat(head.AsSpan(0, read)) == FileFormat.Csv) return (TabularReader.ReadCsv(replay), null);

        var temp = Path.GetTempFileName();
        await using (var file = File.Create(temp)) await replay.CopyToAsync(file, cancellationToken);
        return (ReadWorkbook(temp), temp);
    }

    private static IEnumerable<TabularRow> ReadWorkbook(string path)
    {
        using var file = File.OpenRead(path);
        foreach (var row in TabularReader.ReadXlsx(file)) yield return row;
    }

    // Synchronous writes: the importer buffers and flushes in large blocks, and an awaited call per field
    // costs more than the copying itself. This runs on a background worker, never on a request thread.
    public static void WriteRecord(NpgsqlBinaryImporter rows, Guid batchId, ContributionRecord record)
    {
        rows.StartRow();
        rows.Write(batchId, NpgsqlDbType.Uuid);
        rows.Write(record.RowNumber, NpgsqlDbType.Integer);
        rows.Write(record.Name, NpgsqlDbType.Text);
        rows.Write(record.IdNumber, NpgsqlDbType.Text);
        rows.Write(record.VillageCode, NpgsqlDbType.Text);
        rows.Write((short)record.Year, NpgsqlDbType.Smallint);
        rows.Write((short)record.Item, NpgsqlDbType.Smallint);
        rows.Write((short)record.Type, NpgsqlDbType.Smallint);
        if (record.Tier is { } tier) rows.Write(tier, NpgsqlDbType.Numeric); else rows.WriteNull();
        rows.Write(record.Amount, NpgsqlDbType.Numeric);
        rows.Write(record.PaidOn, NpgsqlDbType.Date);
        if (record.Identity is { } identity) rows.Write(identity, NpgsqlDbType.Text); else rows.WriteNull();
        if (record.SpecialGroup is { } group) rows.Write((short)group, NpgsqlDbType.Smallint); else rows.WriteNull();
        rows.Write(record.ReceivingBenefits, NpgsqlDbType.Boolean);
        rows.Write(DuplicateKey(record), NpgsqlDbType.Bigint);
    }

    /// <summary>FNV-1a over the fields that make two rows the same record; equal records always share it.</summary>
    public static long DuplicateKey(ContributionRecord record)
    {
        var hash = 14695981039346656037UL;
        void Add(ReadOnlySpan<char> text)
        {
            foreach (var c in text) hash = (hash ^ c) * 1099511628211UL;
            hash = (hash ^ '|') * 1099511628211UL;
        }
        Add(record.IdNumber);
        Add(record.VillageCode);
        Span<char> buffer = stackalloc char[32];
        Add(buffer[..Format(record.Year, buffer)]);
        Add(buffer[..Format((int)record.Item, buffer)]);
        Add(buffer[..Format((int)record.Type, buffer)]);
        record.Amount.TryFormat(buffer, out var written, "0.00", System.Globalization.CultureInfo.InvariantCulture);
        Add(buffer[..written]);
        Add(buffer[..Format(record.PaidOn.DayNumber, buffer)]);
        return unchecked((long)hash);

        static int Format(int value, Span<char> into)
        {
            value.TryFormat(into, out var n, provider: System.Globalization.CultureInfo.InvariantCulture);
            return n;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} rejected: {Errors} errors in {Rows} rows")]
    private static partial void LogRejected(ILogger logger, Guid batchId, int errors, long rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch {BatchId} accepted: {Rows} rows in {Seconds:0.0} s (read, checked and copied in {LoadSeconds:0.0} s: reading {ReadSeconds:0.0} s, writing {WriteSeconds:0.0} s)")]
    private static partial void LogAccepted(ILogger logger, Guid batchId, long rows, double seconds, double loadSeconds, double readSeconds, double writeSeconds);
}
