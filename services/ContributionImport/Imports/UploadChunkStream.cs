using ContributionImport.Reading;
using Dapper;
using Npgsql;
using Subsidy.ServiceData.Crypto;

namespace ContributionImport.Imports;

/// <summary>
/// Reads an uploaded file back from its stored pieces, one piece in memory at a time. Copying a
/// workbook out to its temporary file reads asynchronously; the CSV row loop reads synchronously,
/// on the one thread its import holds, because the parser's synchronous path is what keeps an
/// export's rows flowing at the speed docs/design/09-performance-targets.md asks.
/// </summary>
public sealed class UploadChunkStream(NpgsqlDataSource dataSource, Guid batchId) : ForwardReadStream
{
    private const string PieceSql =
        "SELECT data_sealed, deflated FROM upload_chunks WHERE batch_id = @batchId AND seq = @seq";

    private byte[] _current = [];
    private int _offset;
    private int _nextSeq;
    private bool _done;

    public override int Read(Span<byte> buffer)
    {
        while (_offset >= _current.Length)
        {
            if (_done)
                return 0;
            using var connection = dataSource.OpenConnection();
            Take(
                connection.QuerySingleOrDefault<(byte[] Data, bool Deflated)?>(
                    PieceSql,
                    new { batchId, seq = _nextSeq }
                )
            );
        }
        return Copy(buffer);
    }

    public override async ValueTask<int> ReadAsync(
        Memory<byte> buffer,
        CancellationToken cancellationToken = default
    )
    {
        while (_offset >= _current.Length)
        {
            if (_done)
                return 0;
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            Take(
                await connection.QuerySingleOrDefaultAsync<(byte[] Data, bool Deflated)?>(
                    new CommandDefinition(
                        PieceSql,
                        new { batchId, seq = _nextSeq },
                        cancellationToken: cancellationToken
                    )
                )
            );
        }
        return Copy(buffer.Span);
    }

    private void Take((byte[] Data, bool Deflated)? next)
    {
        if (next is not { } piece)
        {
            _done = true;
            return;
        }
        var data = PersonalData.Current.Open(piece.Data);
        _current = piece.Deflated ? UploadPieces.Inflate(data, BatchStore.ChunkSize) : data;
        _offset = 0;
        _nextSeq++;
    }

    private int Copy(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _current.Length - _offset);
        _current.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        return n;
    }
}
