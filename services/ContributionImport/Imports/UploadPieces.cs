using System.IO.Compression;

namespace ContributionImport.Imports;

/// <summary>
/// Stored upload pieces are deflated by the service before they reach the database: an export is
/// repetitive text that shrinks to a small fraction even at zlib's fastest level, so the database
/// writes a fraction of the bytes for the copy it keeps for a restart.
/// </summary>
public static class UploadPieces
{
    /// <summary>
    /// Reads the next piece of an upload, as full as the client sends it. Each wait for the
    /// client's next bytes may last at most <paramref name="stall"/>: a client that stops sending
    /// (a claimed 2 GiB that stops after 1 MB) is cut off instead of holding its connection, its
    /// pieces and a processor for as long as it likes.
    /// </summary>
    public static async Task<int> ReadAsync(
        Stream body,
        Memory<byte> piece,
        TimeSpan stall,
        CancellationToken cancellationToken
    )
    {
        var total = 0;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (total < piece.Length)
        {
            idle.CancelAfter(stall);
            int read;
            try
            {
                read = await body.ReadAsync(piece[total..], idle.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new UploadStalledException(stall);
            }
            if (read == 0)
                break;
            total += read;
        }
        return total;
    }

    public static byte[] Deflate(ReadOnlySpan<byte> piece)
    {
        var output = new MemoryStream(piece.Length / 4 + 64);
        return Deflate(piece, output).ToArray();
    }

    /// <summary>
    /// Deflates into <paramref name="output"/>, reused piece after piece: a fresh array per piece
    /// would be a large-object allocation each time, and those bring on full collections of the
    /// whole heap during an upload.
    /// </summary>
    public static ArraySegment<byte> Deflate(ReadOnlySpan<byte> piece, MemoryStream output)
    {
        output.SetLength(0);
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(piece);
        }
        return new ArraySegment<byte>(output.GetBuffer(), 0, (int)output.Length);
    }

    public static byte[] Inflate(byte[] stored, int pieceSize)
    {
        using var inflate = new DeflateStream(new MemoryStream(stored), CompressionMode.Decompress);
        var output = new MemoryStream(pieceSize);
        inflate.CopyTo(output);
        return output.ToArray();
    }
}

/// <summary>The client sent nothing for the allowed time: the upload is cut off and nothing of it
/// is kept.</summary>
public sealed class UploadStalledException(TimeSpan stall)
    : Exception(
        $"上传中断：超过 {stall.TotalSeconds:0} 秒未收到文件数据，本次上传未保存，请重新上传。"
    );
