using Dapper;
using Npgsql;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Resilience;
using Subsidy.ServiceDefaults.Telemetry;

namespace ContributionImport.Imports;

/// <summary>
/// Takes uploaded batches one at a time. A batch is held by a session advisory lock while it is
/// processed: if the process dies, the lock goes with its connection and the batch (still
/// "processing") is taken up again, from the start, by this or another instance.
/// </summary>
public sealed partial class ImportWorker(
    NpgsqlDataSource dataSource,
    BatchProcessor processor,
    RosterProcessor rosters,
    ILogger<ImportWorker> logger
) : NotifiedWorker(dataSource, logger, "import_batches", TimeSpan.FromSeconds(5))
{
    private const string CandidatesSql = $"""
        SELECT {BatchStore.Columns}
        FROM import_batches WHERE state IN ('{BatchStates.Received}', '{BatchStates.Processing}')
            ORDER BY uploaded_at LIMIT 20
        """;

    private const string TryLockSql = "SELECT pg_try_advisory_lock(@key)";
    private const string UnlockSql = "SELECT pg_advisory_unlock(@key)";
    private const string StateSql = "SELECT state FROM import_batches WHERE id = @Id";
    private const string FailedSql =
        $"UPDATE import_batches SET state = '{BatchStates.Failed}', failure = @failure, finished_at = now() WHERE id = @Id";
    private const string AbandonedUploadsSql =
        $"DELETE FROM import_batches WHERE state = '{BatchStates.Uploading}' AND uploaded_at < now() - interval '1 day'";

    protected override async Task<bool> WorkAsync(
        NpgsqlConnection session,
        CancellationToken cancellationToken
    )
    {
        var candidates = await session.QueryAsync<Batch>(
            new CommandDefinition(CandidatesSql, cancellationToken: cancellationToken)
        );
        foreach (var batch in candidates)
        {
            var key = LockKey(batch.Id);
            var locked = await session.ExecuteScalarAsync<bool>(
                new CommandDefinition(TryLockSql, new { key }, cancellationToken: cancellationToken)
            );
            if (!locked)
                continue;
            try
            {
                // Re-read under the lock: another instance may have finished it meanwhile.
                var state = await session.ExecuteScalarAsync<string>(
                    new CommandDefinition(
                        StateSql,
                        new { batch.Id },
                        cancellationToken: cancellationToken
                    )
                );
                if (state is not (BatchStates.Received or BatchStates.Processing))
                    continue;
                try
                {
                    if (batch.Kind == BatchKinds.Roster)
                        await rosters.ProcessAsync(batch, cancellationToken);
                    else
                        await processor.ProcessAsync(batch, cancellationToken);
                }
                // A lost database fails the round, not the batch: it is taken up again, from the
                // start, once the database is back.
                catch (Exception e)
                    when (e is not OperationCanceledException && !DatabaseFailover.IsUnavailable(e))
                {
                    LogBatchFailed(logger, batch.Id, e);
                    var failure = IdNumberRedaction.Redact($"处理失败：{e.Message}");
                    await session.ExecuteAsync(
                        new CommandDefinition(
                            FailedSql,
                            new { batch.Id, failure },
                            cancellationToken: cancellationToken
                        )
                    );
                }
                return true;
            }
            finally
            {
                // Not cancelled with the work: a lock left behind would keep the batch from any
                // other instance.
                await session.ExecuteAsync(
                    new CommandDefinition(
                        UnlockSql,
                        new { key },
                        cancellationToken: CancellationToken.None
                    )
                );
            }
        }
        // An upload cut off by a crash of its instance leaves its batch "uploading" (listed
        // nowhere); clear it away.
        await session.ExecuteAsync(
            new CommandDefinition(AbandonedUploadsSql, cancellationToken: cancellationToken)
        );
        return false;
    }

    public static long LockKey(Guid batchId) => BitConverter.ToInt64(batchId.ToByteArray(), 8);

    [LoggerMessage(Level = LogLevel.Error, Message = "Batch {BatchId} failed")]
    private static partial void LogBatchFailed(ILogger logger, Guid batchId, Exception exception);
}
