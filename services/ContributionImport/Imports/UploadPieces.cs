using System.IO.Compression;

namespace ContributionImport.Imports;

/// <summary>
/// Stored upload pieces are deflated by the service before they reach the database: an export is text and
/// shrinks about tenfold (the 107 MB benchmark export to some 11 MB at zlib level 1), so the database writes a
/// fraction of the bytes for the copy it keeps for a restart.
/// </summary>
public static class UploadPieces
{
    public static byte[] Deflate(ReadOnlySpan<byte> piece)
    {
        var output = new MemoryStream(piece.Length / 4 + 64);
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(piece);
        }
        return output.ToArray();
    }

    public static byte[] Inflate(byte[] stored, int pieceSize)
    {
        using var inflate = new DeflateStream(new MemoryStream(stored), CompressionMode.Decompress);
        var output = new MemoryStream(pieceSize);
        inflate.CopyTo(output);
        return output.ToArray();
    }
}
