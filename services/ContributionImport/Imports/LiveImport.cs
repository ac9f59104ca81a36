using System.IO.Pipelines;
using Dapper;
using Npgsql;

namespace ContributionImport.Imports;

/// <summary>
/// A CSV export processed while it is still arriving: the upload stores each 1 MiB piece and also
/// hands it to the processor through a bounded pipe, so reading, checking and copying the rows
/// overlap the transfer instead of following it. The records count only if the upload is then
/// stored as a new file (not a copy of an earlier one, not cut off); otherwise they are rolled
/// back. The processor holds the batch's advisory lock throughout, so no worker takes the batch up
/// meanwhile. If it fails, or this process dies, the stored pieces are processed again from the
/// start by whichever instance takes the batch up, as for any other upload.
/// </summary>
public sealed partial class LiveImport
{
    // Bounded: a processor slower than the upload holds the upload back instead of buffering the
    // file.
    private readonly Pipe _pipe = new(
        new PipeOptions(
            pauseWriterThreshold: 16 << 20,
            resumeWriterThreshold: 8 << 20,
            useSynchronizationContext: false
        )
    );
    private readonly TaskCompletionSource<bool> _stored = new(
        TaskCreationOptions.RunContinuationsAsynchronously
    );
    private Task _processing = Task.CompletedTask;
    private bool _readerGone;

    private LiveImport() { }

    /// <summary>Takes the batch's lock and starts the processor on the pipe's far end.</summary>
    public static async Task<LiveImport> StartAsync(
        NpgsqlDataSource dataSource,
        BatchProcessor processor,
        Batch batch,
        ILogger logger,
        CancellationToken stopping
    )
    {
        var live = new LiveImport();
        var session = await dataSource.OpenConnectionAsync(stopping);
        var key = ImportWorker.LockKey(batch.Id);
        await session.ExecuteAsync(
            new CommandDefinition(
                "SELECT pg_advisory_lock(@key)",
                new { key },
                cancellationToken: stopping
            )
        );
        live._processing = Task.Run(
            async () =>
            {
                try
                {
                    await processor.ProcessAsync(
                        batch,
                        live._pipe.Reader,
                        live._stored.Task,
                        stopping
                    );
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    // Shutting down: the stored upload is taken up again after the restart.
                }
                catch (Exception e)
                {
                    LogLiveFailed(logger, batch.Id, e);
                }
                finally
                {
                    await live._pipe.Reader.CompleteAsync();
                    await using (session)
                    {
                        // Even when stopping: the lock goes with the session anyway, but a pooled
                        // session would keep it.
                        await session.ExecuteAsync(
                            new CommandDefinition(
                                "SELECT pg_advisory_unlock(@key)",
                                new { key },
                                cancellationToken: CancellationToken.None
                            )
                        );
                    }
                }
            },
            CancellationToken.None
        );
        return live;
    }

    /// <summary>Passes a stored piece on; once the processor has stopped reading, pieces are only
    /// stored.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> piece, CancellationToken cancellationToken)
    {
        if (_readerGone)
            return;
        var result = await _pipe.Writer.WriteAsync(piece, cancellationToken);
        _readerGone = result.IsCompleted;
    }

    public Task EndOfFileAsync() => _pipe.Writer.CompleteAsync().AsTask();

    /// <summary>The upload is committed as a new batch: the processor may let its records
    /// count.</summary>
    public void Stored() => _stored.TrySetResult(true);

    /// <summary>The upload was a copy of an earlier file or was cut off: the processor rolls back,
    /// and this waits for it.</summary>
    public async Task AbandonAsync()
    {
        _stored.TrySetResult(false);
        await _pipe.Writer.CompleteAsync();
        await _processing;
    }

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Batch {BatchId} could not be processed as it arrived; it will be processed from the stored upload"
    )]
    private static partial void LogLiveFailed(ILogger logger, Guid batchId, Exception exception);
}

/// <summary>Starts <see cref="LiveImport"/>s; they end with the application.</summary>
public sealed class LiveImports(
    NpgsqlDataSource dataSource,
    BatchProcessor processor,
    IHostApplicationLifetime lifetime,
    ILogger<LiveImport> logger
)
{
    public Task<LiveImport> StartAsync(Batch batch) =>
        LiveImport.StartAsync(dataSource, processor, batch, logger, lifetime.ApplicationStopping);
}
