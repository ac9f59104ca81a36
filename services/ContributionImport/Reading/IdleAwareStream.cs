using System.Buffers;
using System.IO.Pipelines;

namespace ContributionImport.Reading;

/// <summary>
/// Reads a file as it arrives through a pipe. When nothing is there and nothing comes within
/// <paramref name="patience"/>, it calls <paramref name="beforeWaiting"/> before it waits on: the
/// processor then commits what it has written, so it holds no transaction while the uploading
/// client is slow or stalled. Blocking reads: the CSV reader reads synchronously, and this runs on
/// the import's own thread (see <see cref="Imports.LiveImport"/>).
/// </summary>
public sealed class IdleAwareStream(PipeReader reader, TimeSpan patience, Action beforeWaiting)
    : ForwardReadStream
{
    private bool _completed;

    public override int Read(Span<byte> buffer)
    {
        if (_completed)
            return 0;
        if (!reader.TryRead(out var result))
        {
            using (
                new Timer(_ => reader.CancelPendingRead(), null, patience, Timeout.InfiniteTimeSpan)
            )
            {
                result = reader.ReadAsync().AsTask().GetAwaiter().GetResult();
            }
            if (result.IsCanceled)
            {
                beforeWaiting();
                result = reader.ReadAsync().AsTask().GetAwaiter().GetResult();
                // A timer that fired just after its read had returned cancels this one instead:
                // read again.
                while (result.IsCanceled)
                    result = reader.ReadAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        var available = result.Buffer;
        var n = (int)Math.Min(buffer.Length, available.Length);
        var slice = available.Slice(0, n);
        slice.CopyTo(buffer);
        reader.AdvanceTo(slice.End);
        if (n == 0 && result.IsCompleted)
            _completed = true;
        return n;
    }
}
