using Dapper;
using Npgsql;

namespace ContributionImport.Imports;

/// <summary>Reads an uploaded file back from its stored pieces, one piece in memory at a time.</summary>
public sealed class UploadChunkStream(NpgsqlDataSource dataSource, Guid batchId) : Stream
{
    private byte[] _current = [];
    private int _offset;
    private int _nextSeq;
    private bool _done;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_offset >= _current.Length)
        {
            if (_done) return 0;
            using var connection = dataSource.OpenConnection();
            var next = connection.QuerySingleOrDefault<byte[]>("SELECT data FROM upload_chunks WHERE batch_id = @batchId AND seq = @seq", new { batchId, seq = _nextSeq });
            if (next is null) { _done = true; return 0; }
            _current = next;
            _offset = 0;
            _nextSeq++;
        }
        var n = Math.Min(buffer.Length, _current.Length - _offset);
        _current.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
