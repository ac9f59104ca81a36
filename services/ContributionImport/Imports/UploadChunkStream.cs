using Dapper;
using ContributionImport.Reading;
using Npgsql;

namespace ContributionImport.Imports;

/// <summary>Reads an uploaded file back from its stored pieces, one piece in memory at a time.</summary>
public sealed class UploadChunkStream(NpgsqlDataSource dataSource, Guid batchId) : ForwardReadStream
{
    private byte[] _current = [];
    private int _offset;
    private int _nextSeq;
    private bool _done;

    public override int Read(Span<byte> buffer)
    {
        while (_offset >= _current.Length)
        {
            if (_done) return 0;
            using var connection = dataSource.OpenConnection();
            var next = connection.QuerySingleOrDefault<(byte[] Data, bool Deflated)?>("SELECT data, deflated FROM upload_chunks WHERE batch_id = @batchId AND seq = @seq", new { batchId, seq = _nextSeq });
            if (next is not { } piece) { _done = true; return 0; }
            _current = piece.Deflated ? UploadPieces.Inflate(piece.Data, BatchStore.ChunkSize) : piece.Data;
            _offset = 0;
            _nextSeq++;
        }
        var n = Math.Min(buffer.Length, _current.Length - _offset);
        _current.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }
}
