using System.Security.Cryptography;
using Dapper;
using Npgsql;
using Subsidy.ServiceData.Crypto;
using Subsidy.ServiceDefaults.Auth;

namespace ContributionImport.Imports;

public sealed record UploadResult(Batch Batch, bool IsNew);

/// <summary>Receives uploads and answers questions about batches.</summary>
public sealed class BatchStore(
    NpgsqlDataSource dataSource,
    LiveImports liveImports,
    IConfiguration configuration
)
{
    public const int ChunkSize = 1 << 20;

    /// <summary>
    /// A <see cref="Batch"/>'s columns in the order of its constructor, for every query that reads
    /// one.
    /// </summary>
    public const string Columns = """
        id, kind, scope_code, year, sha256, file_name, file_size, state, rows_read, rows_accepted, error_count, failure,
        uploaded_by, uploaded_at, started_at, finished_at, superseded_by, published_at, note
        """;

    private const string FindSql = $"SELECT {Columns} FROM import_batches WHERE id = @Id";
    private const string ListSql = $"""
        SELECT {Columns} FROM import_batches
        WHERE scope_code LIKE @Prefix || '%' AND (@Year::int IS NULL OR year = @Year) AND state <>
            '{BatchStates.Uploading}'
        ORDER BY uploaded_at DESC LIMIT 200
        """;
    private const string SameFileSql =
        $"SELECT {Columns} FROM import_batches WHERE kind = @Kind AND scope_code = @ScopeCode AND year = @Year AND sha256 = @Sha256";
    private const string InsertErrorSql =
        "INSERT INTO import_errors (batch_id, row_no, column_name, value_sealed, reason) VALUES (@batchId, @RowNumber, @Column, @Value, @Reason)";
    private const string RejectSql =
        $"UPDATE import_batches SET state = '{BatchStates.Rejected}', rows_read = @rowsRead, error_count = @count, finished_at = now() WHERE id = @batchId";
    private const string InsertPieceSql =
        "INSERT INTO upload_chunks (batch_id, seq, data_sealed, deflated) VALUES (@id, @seq, @data, true)";
    private const string DeleteUploadingSql =
        $"DELETE FROM import_batches WHERE id = @id AND state = '{BatchStates.Uploading}'";

    /// <summary>A batch taken up (again, after a crash) starts from nothing: no errors, no
    /// progress.</summary>
    public static async Task StartProcessingAsync(
        NpgsqlDataSource dataSource,
        Guid batchId,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(
            new CommandDefinition(
                $"""
                DELETE FROM import_errors WHERE batch_id = @batchId;
                DELETE FROM contribution_rows WHERE batch_id = @batchId;
                UPDATE import_batches SET state = '{BatchStates.Processing}', started_at = now(),
                    rows_read = 0, error_count = 0, failure = NULL, note = NULL WHERE id = @batchId;
                """,
                new { batchId },
                cancellationToken: cancellationToken
            )
        );
    }

    /// <summary>Rejects a batch with every one of its errors, in one transaction.</summary>
    public static async Task RejectAsync(
        NpgsqlDataSource dataSource,
        Guid batchId,
        long rowsRead,
        IReadOnlyList<Parsing.ImportError> errors,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            new CommandDefinition(
                InsertErrorSql,
                errors.Select(e => new
                {
                    batchId,
                    e.RowNumber,
                    e.Column,
                    Value = PersonalData.Current.SealOrNull(e.Value),
                    e.Reason,
                }),
                transaction,
                cancellationToken: cancellationToken
            )
        );
        await connection.ExecuteAsync(
            new CommandDefinition(
                RejectSql,
                new
                {
                    batchId,
                    rowsRead,
                    count = errors.Count,
                },
                transaction,
                cancellationToken: cancellationToken
            )
        );
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<Batch?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Batch>(
            new CommandDefinition(FindSql, new { Id = id }, cancellationToken: cancellationToken)
        );
    }

    public async Task<IReadOnlyList<Batch>> ListAsync(
        string prefix,
        int? year,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (
            await connection.QueryAsync<Batch>(
                new CommandDefinition(
                    ListSql,
                    new { Prefix = prefix, Year = year },
                    cancellationToken: cancellationToken
                )
            )
        ).AsList();
    }

    /// <summary>
    /// How long an upload may send nothing before it is cut off
    /// (docs/design/08-access-and-roles.md: a stalled client loses its slot); Import:StallSeconds.
    /// </summary>
    private readonly TimeSpan _stallTimeout = TimeSpan.FromSeconds(
        configuration.GetValue("Import:StallSeconds", 30)
    );

    /// <summary>
    /// Streams the upload into 1 MiB pieces while hashing it. The batch is committed first as
    /// "uploading" (listed nowhere) and every piece is stored on its own once it has arrived, so no
    /// transaction waits on the client; a client that sends nothing for Import:StallSeconds (30 s)
    /// is cut off (<see cref="UploadStalledException"/>). A file already uploaded for the same
    /// scope and year (same SHA-256) is that batch: the new copy is discarded and the existing
    /// batch returned. A CSV contributions export is processed while it arrives (<see
    /// cref="LiveImport"/>); anything else is processed by the worker once stored. An upload that
    /// is not stored leaves nothing behind.
    /// </summary>
    public async Task<UploadResult> ReceiveAsync(
        Stream body,
        string kind,
        string scopeCode,
        int year,
        string fileName,
        Caller caller,
        CancellationToken cancellationToken
    )
    {
        var id = Guid.CreateVersion7();
        var batch = new Batch(
            id,
            kind,
            scopeCode,
            year,
            null,
            fileName,
            0,
            BatchStates.Uploading,
            0,
            0,
            0,
            null,
            caller.UserId,
            DateTime.UtcNow,
            null,
            null,
            null,
            null
        );
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await InsertUploadingAsync(connection, null, batch, cancellationToken);
        LiveImport? live = null;
        var stored = false;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[ChunkSize];
            using var deflated = new MemoryStream(ChunkSize / 2);
            await using var insertPiece = new NpgsqlCommand(InsertPieceSql, connection)
            {
                Parameters =
                {
                    new NpgsqlParameter<Guid>("id", NpgsqlTypes.NpgsqlDbType.Uuid)
                    {
                        TypedValue = id,
                    },
                    new NpgsqlParameter("seq", NpgsqlTypes.NpgsqlDbType.Integer),
                    new NpgsqlParameter("data", NpgsqlTypes.NpgsqlDbType.Bytea),
                },
            };
            long size = 0;
            var seq = 0;
            while (true)
            {
                var read = await UploadPieces.ReadAsync(
                    body,
                    buffer,
                    _stallTimeout,
                    cancellationToken
                );
                if (read == 0)
                    break;
                if (
                    seq == 0
                    && kind == BatchKinds.Contributions
                    && Reading.TabularReader.DetectFormat(buffer.AsSpan(0, read))
                        == Reading.FileFormat.Csv
                )
                {
                    live = await liveImports.StartAsync(batch);
                }
                // The processor starts on the piece while it is deflated and stored.
                if (live is not null)
                    await live.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                hash.AppendData(buffer, 0, read);
                size += read;
                insertPiece.Parameters[1].Value = seq++;
                // An export lists residents by name and ID number: the piece is sealed once
                // deflated.
                insertPiece.Parameters[2].Value = PersonalData.Current.Seal(
                    UploadPieces.Deflate(buffer.AsSpan(0, read), deflated)
                );
                await insertPiece.ExecuteNonQueryAsync(cancellationToken);
                if (read < ChunkSize)
                    break;
            }
            if (live is not null)
                await live.EndOfFileAsync();
            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var existing = await connection.QuerySingleOrDefaultAsync<Batch>(
                new CommandDefinition(
                    SameFileSql,
                    new
                    {
                        Kind = kind,
                        ScopeCode = scopeCode,
                        Year = year,
                        Sha256 = sha256,
                    },
                    transaction,
                    cancellationToken: cancellationToken
                )
            );
            if (existing is not null)
            {
                await transaction.RollbackAsync(cancellationToken);
                return new UploadResult(existing, IsNew: false);
            }
            try
            {
                // Being processed already, or waiting for the worker.
                await connection.ExecuteAsync(
                    new CommandDefinition(
                        """
                        UPDATE import_batches SET sha256 = @sha256, file_size = @size, state =
                            @state, started_at = CASE WHEN @live THEN now() END WHERE id = @id;
                        SELECT pg_notify('import_batches', @id::text);
                        """,
                        new
                        {
                            id,
                            sha256,
                            size,
                            state = live is null ? BatchStates.Received : BatchStates.Processing,
                            live = live is not null,
                        },
                        transaction,
                        cancellationToken: cancellationToken
                    )
                );
                await transaction.CommitAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // The same file arrived twice at once; the other upload won.
                await transaction.RollbackAsync(cancellationToken);
                var winner = await connection.QuerySingleAsync<Batch>(
                    new CommandDefinition(
                        SameFileSql,
                        new
                        {
                            Kind = kind,
                            ScopeCode = scopeCode,
                            Year = year,
                            Sha256 = sha256,
                        },
                        cancellationToken: cancellationToken
                    )
                );
                return new UploadResult(winner, IsNew: false);
            }
            stored = true;
            live?.Stored();
        }
        finally
        {
            if (!stored)
            {
                if (live is not null)
                    await live.AbandonAsync();
                await DeleteUploadingAsync(id);
            }
        }
        return new UploadResult((await FindAsync(id, cancellationToken))!, IsNew: true);
    }

    private static Task InsertUploadingAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        Batch batch,
        CancellationToken cancellationToken
    ) =>
        connection.ExecuteAsync(
            new CommandDefinition(
                $"""
                INSERT INTO import_batches (id, kind, scope_code, year, file_name, state, uploaded_by)
                VALUES (@Id, @Kind, @ScopeCode, @Year, @FileName, '{BatchStates.Uploading}', @UploadedBy)
                """,
                batch,
                transaction,
                cancellationToken: cancellationToken
            )
        );

    /// <summary>
    /// An upload that was not stored leaves nothing behind, its pieces included (the request may be
    /// cancelled already, hence no token).
    /// </summary>
    private async Task DeleteUploadingAsync(Guid id)
    {
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await connection.ExecuteAsync(DeleteUploadingSql, new { id });
    }
}
