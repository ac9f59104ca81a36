using System.Diagnostics;
using System.IO.Pipelines;
using ContributionImport.Parsing;
using ContributionImport.Reading;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using Subsidy.Contracts;
using Subsidy.ServiceData.Crypto;
using Subsidy.ServiceData.Messaging;
using Subsidy.ServiceDefaults.Telemetry;

namespace ContributionImport.Imports;

/// <summary>
/// Processes one uploaded contribution-detail file: streams its rows, checks every rule, copies the
/// records (<see cref="RowCopier"/>, in segments committed before any wait on the client) and
/// collects every error (<see cref="ErrorSink"/>). The file is then accepted whole, or rejected
/// whole with its rows deleted: rows count only once their batch is accepted, so a crash midway
/// leaves nothing that counts, and the batch is taken up again.
/// </summary>
public sealed partial class BatchProcessor(
    NpgsqlDataSource dataSource,
    ILogger<BatchProcessor> logger
)
{
    public const int ProgressEvery = 20_000;
    public const int ChunkRows = 2_000;

    /// <summary>
    /// How long a file arriving live may pause before what has been copied is committed (so no
    /// transaction waits on the client).
    /// </summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMilliseconds(200);

    private static readonly RunningTotal RowsImported = new(
        "subsidy.import.rows_accepted",
        "Contribution rows accepted"
    );
    private static readonly RunningTotal RowsRejected = new(
        "subsidy.import.rows_rejected",
        "Rows of files rejected for an invalid row (nothing of such a file counts)"
    );

    private const string DuplicatesSql = """
        SELECT row_no AS RowNumber, first_row AS FirstRow, person AS Person FROM (
            SELECT row_no, person,
                   min(row_no) OVER w AS first_row
            FROM contribution_rows
            WHERE batch_id = @BatchId
            WINDOW w AS (PARTITION BY id_index, village_code, year, item, pay_type, amount, paid_on)
        ) d
        WHERE row_no <> first_row
        ORDER BY row_no
        LIMIT @Limit
        """;

    private const string AnyDuplicateSql = """
        SET LOCAL work_mem = '256MB';
        SELECT EXISTS (SELECT 1 FROM contribution_rows WHERE batch_id = @BatchId GROUP BY
            duplicate_key HAVING count(*) > 1)
        """;

    private const string ProgressSql =
        "UPDATE import_batches SET rows_read = @rowsRead WHERE id = @Id";

    private sealed record Duplicate(int RowNumber, int FirstRow, byte[] Person);

    /// <summary>Processes a stored upload.</summary>
    public Task ProcessAsync(Batch batch, CancellationToken cancellationToken) =>
        ProcessAsync(batch, live: null, stored: null, cancellationToken);

    /// <param name="live">The file as it arrives (<see cref="LiveImport"/>), or null to read the
    /// stored upload.</param>
    /// <param name="stored">
    /// For a live file: whether the upload was then stored as a new batch. Its records count only
    /// if so.
    /// </param>
    public async Task ProcessAsync(
        Batch batch,
        PipeReader? live,
        Task<bool>? stored,
        CancellationToken cancellationToken
    )
    {
        using var activity = SubsidyTelemetry.ActivitySource.StartActivity("import batch");
        activity?.SetTag("subsidy.batch.id", batch.Id);
        var started = Stopwatch.GetTimestamp();
        // A batch taken up again after a crash starts from nothing.
        if (live is null)
            await BatchStore.StartProcessingAsync(dataSource, batch.Id, cancellationToken);

        var context = await LoadContextAsync(batch, cancellationToken);
        if (context is null)
        {
            if (!await UploadStoredAsync(live, stored))
                return;
            var unknown = new ErrorSink();
            unknown.Add(
                new ImportError(
                    0,
                    "缴费年度",
                    batch.Year.ToString(),
                    $"{batch.Year} 年度政策参数尚未下发，无法校验缴费档次"
                )
            );
            await RejectAsync(batch, 0, unknown, cancellationToken);
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var copier = new RowCopier(connection, batch.Id, PersonalData.Current);
        var errors = new ErrorSink();
        var totals = new TotalRows();
        var rowsRead = await ReadAsync(
            batch,
            live,
            context,
            copier,
            errors,
            totals,
            cancellationToken
        );
        activity?.SetTag(
            "subsidy.import.read_seconds",
            Stopwatch.GetElapsedTime(started).TotalSeconds
        );
        if (!await UploadStoredAsync(live, stored))
        {
            await copier.DeleteAsync(CancellationToken.None);
            return;
        }
        copier.Flush();
        if (!errors.Any && copier.MayHoldDuplicates())
            await FindDuplicatesAsync(connection, batch.Id, errors, cancellationToken);

        if (errors.Any)
        {
            await copier.DeleteAsync(cancellationToken);
            await RejectAsync(batch, rowsRead, errors, cancellationToken);
            RowsRejected.Add(rowsRead);
            LogRejected(logger, batch.Id, errors.Count, rowsRead);
            return;
        }
        await AcceptAsync(connection, batch, rowsRead, copier, totals.Note, cancellationToken);
        RowsImported.Add(copier.Written);
        LogAccepted(
            logger,
            batch.Id,
            copier.Written,
            Stopwatch.GetElapsedTime(started).TotalSeconds
        );
    }

    /// <summary>
    /// Reads and checks every row, copying the good ones until the first error (after which the
    /// file is known to be rejected).
    /// </summary>
    private async Task<long> ReadAsync(
        Batch batch,
        PipeReader? live,
        ImportContext context,
        RowCopier copier,
        ErrorSink errors,
        TotalRows totals,
        CancellationToken cancellationToken
    )
    {
        await using var progress = await dataSource.OpenConnectionAsync(cancellationToken);
        long rowsRead = 0;
        string? tempFile = null;
        try
        {
            IEnumerable<TabularRow> source;
            if (live is null)
            {
                var opened = await OpenRowsAsync(dataSource, batch.Id, cancellationToken);
                tempFile = opened.TempFile;
                if (opened.Refusal is { } refused)
                {
                    errors.Add(new ImportError(0, "（文件）", null, refused));
                    return 0;
                }
                source = opened.Rows;
            }
            else
            {
                source = TabularReader.ReadCsv(new IdleAwareStream(live, Patience, copier.Flush));
            }
            using var enumerator = source.GetEnumerator();
            var head = new List<TabularRow>();
            while (head.Count < HeaderMap.RowsSearched && enumerator.MoveNext())
                head.Add(enumerator.Current);
            var (map, missing) = HeaderMap.Detect(head.Select(r => r.Cells).ToList());
            if (map is null)
            {
                foreach (var field in missing)
                {
                    var headers = string.Join("、", Columns.Headers[field]);
                    errors.Add(
                        new ImportError(
                            1,
                            Columns.Label(field),
                            null,
                            $"找不到“{Columns.Label(field)}”列（可用表头：{headers}），请检查前10行中的表头"
                        )
                    );
                }
                return 0;
            }
            using var rows = head.Skip(map.HeaderRowIndex + 1)
                .Concat(Rest(enumerator))
                .GetEnumerator();
            while (rows.MoveNext())
            {
                var row = rows.Current;
                if (row.IsEmpty)
                    continue;
                if (TotalRows.KindOf(row.Cells, map) is { } total)
                {
                    if (totals.Check(row.RowNumber, row.Cells, map, total) is { } wrongTotal)
                        errors.Add(wrongTotal);
                    continue;
                }
                rowsRead++;
                var (record, rowErrors) = ContributionRowParser.Parse(
                    row.RowNumber,
                    row.Cells,
                    map,
                    context
                );
                if (record is null)
                {
                    errors.AddRange(rowErrors);
                    // A total below is still checked against what this row pays, so it is not
                    // reported wrong as well.
                    if (
                        ContributionRowParser.TryParseMoney(
                            map.Cell(row.Cells, Field.Amount),
                            out var given
                        )
                    )
                    {
                        totals.Add(given);
                    }
                    continue;
                }
                totals.Add(record.Amount);
                // Once the file is known to be rejected its records are no longer written.
                if (!errors.Any)
                    copier.Write(record);
                if (rowsRead % ProgressEvery == 0)
                {
                    await progress.ExecuteAsync(
                        new CommandDefinition(
                            ProgressSql,
                            new { rowsRead, batch.Id },
                            cancellationToken: cancellationToken
                        )
                    );
                }
            }
            if (rowsRead == 0)
                errors.Add(
                    new ImportError(map.HeaderRowIndex + 1, "（全部）", null, "文件中没有数据行")
                );
        }
        catch (Exception e) when (FileProblems.WhyUnreadable(e, rowsRead + 2) is { } why)
        {
            errors.Add(
                new ImportError((int)Math.Min(int.MaxValue, rowsRead + 2), "（文件）", null, why)
            );
        }
        finally
        {
            if (tempFile is not null)
                File.Delete(tempFile);
        }
        return rowsRead;
    }

    /// <summary>
    /// Same person, village, year, item, type, amount and date twice: every repeat is an error
    /// naming its first row.
    /// </summary>
    private static async Task FindDuplicatesAsync(
        NpgsqlConnection connection,
        Guid batchId,
        ErrorSink errors,
        CancellationToken cancellationToken
    )
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var anyDuplicate = await connection.ExecuteScalarAsync<bool>(
            new CommandDefinition(
                AnyDuplicateSql,
                new { BatchId = batchId },
                transaction,
                cancellationToken: cancellationToken
            )
        );
        if (!anyDuplicate)
            return;
        var duplicates = await connection.QueryAsync<Duplicate>(
            new CommandDefinition(
                DuplicatesSql,
                new { BatchId = batchId, Limit = ErrorSink.StoredLimit + 1 },
                transaction,
                cancellationToken: cancellationToken
            )
        );
        foreach (var duplicate in duplicates)
        {
            errors.Add(
                ImportError.In(
                    duplicate.RowNumber,
                    Columns.Label(Field.IdNumber),
                    Field.IdNumber,
                    PersonalData.Current.OpenPerson(duplicate.Person).IdNumber,
                    $"与第{duplicate.FirstRow}行重复（同一人、同一村、同一年度、项目、类型、金额与日期）"
                )
            );
        }
    }

    /// <summary>
    /// A rejected file: every error kept (the first <see cref="ErrorSink.StoredLimit"/> listed, all
    /// counted), nothing else.
    /// </summary>
    private async Task RejectAsync(
        Batch batch,
        long rowsRead,
        ErrorSink errors,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await errors.WriteAsync(connection, batch.Id, cancellationToken);
        await connection.ExecuteAsync(
            new CommandDefinition(
                $"""
                UPDATE import_batches SET state = '{BatchStates.Rejected}', rows_read = @rowsRead,
                    error_count = @Count, finished_at = now() WHERE id = @Id
                """,
                new
                {
                    rowsRead,
                    errors.Count,
                    batch.Id,
                },
                transaction,
                cancellationToken: cancellationToken
            )
        );
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Whether the records may count: always for a stored upload; for a live one, once its upload
    /// is stored as a new batch.
    /// </summary>
    private static async Task<bool> UploadStoredAsync(PipeReader? live, Task<bool>? stored)
    {
        if (live is null)
            return true;
        // Stop reading first: the upload may still be sending the rest of a file this processor has
        // given up on.
        await live.CompleteAsync();
        return await stored!;
    }

    public static IEnumerable<TabularRow> Rest(IEnumerator<TabularRow> enumerator)
    {
        while (enumerator.MoveNext())
            yield return enumerator.Current;
    }

    /// <summary>
    /// Marks the batch accepted, supersedes older accepted batches it covers, and announces it, in
    /// one transaction.
    /// </summary>
    private static async Task AcceptAsync(
        NpgsqlConnection data,
        Batch batch,
        long rowsRead,
        RowCopier copier,
        string? note,
        CancellationToken cancellationToken
    )
    {
        await using var transaction = await data.BeginTransactionAsync(cancellationToken);
        var superseded = (
            await data.QueryAsync<Guid>(
                new CommandDefinition(
                    $"""
                    UPDATE import_batches SET state = '{BatchStates.Superseded}', superseded_by = @Id
                    WHERE kind = @Kind AND year = @Year AND state = '{BatchStates.Accepted}' AND id
                        <> @Id AND scope_code LIKE @ScopeCode || '%'
                    RETURNING id
                    """,
                    new
                    {
                        batch.Id,
                        batch.Kind,
                        batch.Year,
                        batch.ScopeCode,
                    },
                    transaction,
                    cancellationToken: cancellationToken
                )
            )
        ).AsList();
        var accepted = copier.Written;
        await data.ExecuteAsync(
            new CommandDefinition(
                $"""
                UPDATE import_batches SET state = '{BatchStates.Accepted}', rows_read = @rowsRead,
                    rows_accepted = @accepted, note = @note, finished_at = now() WHERE id = @Id;
                SELECT pg_notify('import_published', @Id::text);
                """,
                new
                {
                    rowsRead,
                    accepted,
                    note,
                    batch.Id,
                },
                transaction,
                cancellationToken: cancellationToken
            )
        );
        var counts = copier
            .VillageRows.OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => new VillageRowCount(v.Key, v.Value, (v.Value + ChunkRows - 1) / ChunkRows))
            .ToList();
        await OutboxWriter.EnqueueAsync(
            data,
            transaction,
            new ContributionBatchAccepted(
                batch.Id,
                batch.ScopeCode,
                batch.Year,
                DateTimeOffset.UtcNow,
                counts,
                superseded
            ),
            cancellationToken
        );
        await transaction.CommitAsync(cancellationToken);
    }

    private sealed class PolicyRow
    {
        public string RegionCode { get; set; } = "";
        public int Year { get; set; }
        public decimal[] Tiers { get; set; } = [];
        public decimal SpecialTier { get; set; }
    }

    private const string PolicyYearsSql = """
        SELECT region_code, year, tiers, special_tier FROM known_policy_years WHERE year <= @Year
            AND region_code IN (@county, @province)
        """;

    /// <summary>
    /// The villages of the scope and the tiers of every policy year known for it; null while the
    /// export's own year is unknown.
    /// </summary>
    private async Task<ImportContext?> LoadContextAsync(
        Batch batch,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var villages = (
            await connection.QueryAsync<string>(
                new CommandDefinition(
                    "SELECT code FROM known_divisions WHERE level = 5 AND active AND code LIKE @ScopeCode || '%'",
                    new { batch.ScopeCode },
                    cancellationToken: cancellationToken
                )
            )
        ).ToHashSet();
        var (county, province) = EffectivePolicyYear.RegionsOf(
            batch.ScopeCode.PadRight(DivisionCode.Length, '0')
        );
        var candidates = await connection.QueryAsync<PolicyRow>(
            new CommandDefinition(
                PolicyYearsSql,
                new
                {
                    batch.Year,
                    county,
                    province,
                },
                cancellationToken: cancellationToken
            )
        );
        var tiersByYear = candidates
            .GroupBy(p => p.Year)
            .Select(g => EffectivePolicyYear.Pick(g, p => p.RegionCode, county)!)
            .ToDictionary(
                p => p.Year,
                p => (IReadOnlySet<decimal>)p.Tiers.Append(p.SpecialTier).ToHashSet()
            );
        return tiersByYear.ContainsKey(batch.Year)
            ? new ImportContext(batch.Year, batch.ScopeCode, villages, tiersByYear)
            : null;
    }

    /// <summary>
    /// The file's rows; a workbook is first copied to a temporary file, since a zip is read from
    /// its end, and refused when it would expand past <see cref="WorkbookGuard"/>'s bound.
    /// </summary>
    public static async Task<(
        IEnumerable<TabularRow> Rows,
        string? TempFile,
        string? Refusal
    )> OpenRowsAsync(NpgsqlDataSource dataSource, Guid batchId, CancellationToken cancellationToken)
    {
        var stream = new UploadChunkStream(dataSource, batchId);
        var head = new byte[4];
        var read = await stream.ReadAtLeastAsync(
            head,
            4,
            throwOnEndOfStream: false,
            cancellationToken
        );
        var replay = new PrefixedStream(head.AsMemory(0, read), stream);
        if (TabularReader.DetectFormat(head.AsSpan(0, read)) == FileFormat.Csv)
        {
            return (TabularReader.ReadCsv(replay), null, null);
        }

        var temp = Path.GetTempFileName();
        await using (var file = File.Create(temp))
            await replay.CopyToAsync(file, cancellationToken);
        return WorkbookGuard.WhyRefused(temp) is { } refusal
            ? ([], temp, refusal)
            : (ReadWorkbook(temp), temp, null);
    }

    private static IEnumerable<TabularRow> ReadWorkbook(string path)
    {
        using var file = File.OpenRead(path);
        foreach (var row in TabularReader.ReadXlsx(file))
            yield return row;
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Batch {BatchId} rejected: {Errors} errors in {Rows} rows"
    )]
    private static partial void LogRejected(ILogger logger, Guid batchId, int errors, long rows);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Batch {BatchId} accepted: {Rows} rows in {Seconds:0.0} s"
    )]
    private static partial void LogAccepted(
        ILogger logger,
        Guid batchId,
        long rows,
        double seconds
    );
}
