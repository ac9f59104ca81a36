using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData.Crypto;

namespace ContributionImport.Imports;

/// <summary>
/// COPYs a batch's records into contribution_rows in segments, each committed when it ends. A
/// segment ends when <see cref="Flush"/> is called — before the reader waits on the uploading
/// client — so no transaction stays open while a client stalls
/// (docs/design/08-access-and-roles.md). Rows of a batch count only once the batch is accepted; a
/// rejected or abandoned batch's rows are deleted (<see cref="DeleteAsync"/>), and a batch taken up
/// again starts from none.
/// </summary>
/// <remarks>
/// Records are sealed and copied on a thread of the copier's own, handed over a few thousand at a
/// time, while the import's thread goes on reading and checking the file: on two cores the two
/// halves of a row's work then run side by side instead of one after the other (the import
/// benchmark in docs/benchmarks.md). What the writing thread throws is thrown again to the caller
/// at its next <see cref="Write"/> or <see cref="Flush"/>, as it is.
/// </remarks>
public sealed class RowCopier(NpgsqlConnection connection, Guid batchId, PersonalData personalData)
    : IAsyncDisposable
{
    private const int HandOff = 2048;

    private readonly SegmentWriter _segments = new(connection, batchId, personalData);
    private readonly BlockingCollection<Work> _work = new(boundedCapacity: 4);
    private readonly CancellationTokenSource _failed = new();
    private ExceptionDispatchInfo? _failure;
    private Task? _writer;
    private volatile bool _discarding;
    private ContributionRecord[] _pending = new ContributionRecord[HandOff];
    private int _pendingCount;

    /// <summary>Records, or the end of a segment once they are written.</summary>
    private sealed record Work(
        ContributionRecord[]? Records,
        int Count,
        ManualResetEventSlim? Ended
    );

    public long Written => _segments.Written;

    /// <summary>How many records of each village were written: what the acceptance announces,
    /// without counting them again in SQL.</summary>
    public IReadOnlyDictionary<string, int> VillageRows => _segments.VillageRows;

    /// <summary>False when no two records written can be the same record, so the database need not
    /// be asked.</summary>
    public bool MayHoldDuplicates() => _segments.MayHoldDuplicates();

    /// <summary>Takes a record to be written; it is in the database once <see cref="Flush"/> has
    /// returned. Runs on the import's own worker thread, never on a request thread.</summary>
    public void Write(ContributionRecord record)
    {
        _pending[_pendingCount++] = record;
        if (_pendingCount == HandOff)
            HandOver();
    }

    /// <summary>Writes every record taken and ends the open segment, committing it; the next
    /// record starts another.</summary>
    public void Flush()
    {
        if (_writer is null && _pendingCount == 0)
            return;
        HandOver();
        using var ended = new ManualResetEventSlim();
        Add(new Work(null, 0, ended));
        try
        {
            ended.Wait(_failed.Token);
        }
        catch (OperationCanceledException) { }
        _failure?.Throw();
    }

    private void HandOver()
    {
        if (_pendingCount == 0)
            return;
        Add(new Work(_pending, _pendingCount, null));
        _pending = new ContributionRecord[HandOff];
        _pendingCount = 0;
    }

    private void Add(Work work)
    {
        _writer ??= Task.Factory.StartNew(
            WriteAll,
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default
        );
        try
        {
            _work.Add(work, _failed.Token);
        }
        catch (OperationCanceledException) { }
        _failure?.Throw();
    }

    private void WriteAll()
    {
        foreach (var work in _work.GetConsumingEnumerable())
        {
            if (_discarding)
                continue;
            try
            {
                for (var i = 0; i < work.Count; i++)
                    _segments.Write(work.Records![i]);
                if (work.Ended is { } ended)
                {
                    _segments.End();
                    ended.Set();
                }
            }
            catch (Exception e)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
                _failed.Cancel();
                return;
            }
        }
    }

    /// <summary>A batch that does not count leaves no rows.</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken)
    {
        await StopAsync();
        await using var delete = new NpgsqlCommand(
            "DELETE FROM contribution_rows WHERE batch_id = @batchId",
            connection
        );
        delete.Parameters.AddWithValue("batchId", batchId);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records not yet written are dropped and an unfinished segment is cancelled: its
    /// rows are not committed.</summary>
    private async ValueTask StopAsync()
    {
        _discarding = true;
        if (!_work.IsAddingCompleted)
            _work.CompleteAdding();
        if (_writer is not null)
            await _writer;
        await _segments.CancelAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _failed.Dispose();
    }
}
