using Npgsql;
using NpgsqlTypes;
using Subsidy.Contracts;

namespace ContributionImport.Imports;

/// <summary>
/// Binary-COPYs a batch's records into contribution_rows in segments, each committed when it ends. A segment ends
/// when <see cref="Flush"/> is called — before the reader waits on the uploading client — so no transaction stays
/// open while a client stalls (docs/design/08-access-and-roles.md). Rows of a batch count only once the batch is accepted; a rejected or
/// abandoned batch's rows are deleted (<see cref="DeleteAsync"/>), and a batch taken up again starts from none.
/// </summary>
public sealed class RowCopier(NpgsqlConnection connection, Guid batchId) : IAsyncDisposable
{
    private const string CopySql = """
        COPY contribution_rows (batch_id, row_no, name, id_number, village_code, year, item, pay_type, tier, amount, paid_on, identity, special_group, receiving_benefits, duplicate_key)
        FROM STDIN (FORMAT BINARY)
        """;

    private NpgsqlBinaryImporter? _segment;

    public long Written { get; private set; }

    /// <summary>
    /// Synchronous writes: the importer buffers and flushes in large blocks, and an awaited call per field costs more
    /// than the copying itself. This runs on the import's own worker thread, never on a request thread.
    /// </summary>
    public void Write(ContributionRecord record)
    {
        var rows = _segment ??= connection.BeginBinaryImport(CopySql);
        rows.StartRow();
        rows.Write(batchId, NpgsqlDbType.Uuid);
        rows.Write(record.RowNumber, NpgsqlDbType.Integer);
        rows.Write(record.Name, NpgsqlDbType.Text);
        rows.Write(record.IdNumber, NpgsqlDbType.Text);
        rows.Write(record.VillageCode, NpgsqlDbType.Text);
        rows.Write((short)record.Year, NpgsqlDbType.Smallint);
        rows.Write((short)record.Item, NpgsqlDbType.Smallint);
        rows.Write((short)record.Type, NpgsqlDbType.Smallint);
        if (record.Tier is { } tier) rows.Write(tier, NpgsqlDbType.Numeric); else rows.WriteNull();
        rows.Write(record.Amount, NpgsqlDbType.Numeric);
        rows.Write(record.PaidOn, NpgsqlDbType.Date);
        if (record.Identity is { } identity) rows.Write(identity, NpgsqlDbType.Text); else rows.WriteNull();
        if (record.SpecialGroup is { } group) rows.Write((short)group, NpgsqlDbType.Smallint); else rows.WriteNull();
        rows.Write(record.ReceivingBenefits, NpgsqlDbType.Boolean);
        rows.Write(DuplicateKeys.Of(record), NpgsqlDbType.Bigint);
        Written++;
    }

    /// <summary>Ends the open segment, committing it; the next record starts another.</summary>
    public void Flush()
    {
        if (_segment is null) return;
        _segment.Complete();
        _segment.Dispose();
        _segment = null;
    }

    /// <summary>A batch that does not count leaves no rows.</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken)
    {
        await DisposeSegmentAsync();
        await using var delete = new NpgsqlCommand("DELETE FROM contribution_rows WHERE batch_id = @batchId", connection);
        delete.Parameters.AddWithValue("batchId", batchId);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Disposing an unfinished segment cancels it: its rows are not committed.</summary>
    private async ValueTask DisposeSegmentAsync()
    {
        if (_segment is null) return;
        await _segment.DisposeAsync();
        _segment = null;
    }

    public ValueTask DisposeAsync() => DisposeSegmentAsync();
}

/// <summary>Two rows are the same record when their person, village, year, item, type, amount and date agree.</summary>
public static class DuplicateKeys
{
    /// <summary>FNV-1a over the fields that make two rows the same record; equal records always share it.</summary>
    public static long Of(ContributionRecord record)
    {
        var hash = 14695981039346656037UL;
        void Add(ReadOnlySpan<char> text)
        {
            foreach (var c in text) hash = (hash ^ c) * 1099511628211UL;
            hash = (hash ^ '|') * 1099511628211UL;
        }
        Add(record.IdNumber);
        Add(record.VillageCode);
        Span<char> buffer = stackalloc char[32];
        Add(buffer[..Format(record.Year, buffer)]);
        Add(buffer[..Format((int)record.Item, buffer)]);
        Add(buffer[..Format((int)record.Type, buffer)]);
        record.Amount.TryFormat(buffer, out var written, "0.00", System.Globalization.CultureInfo.InvariantCulture);
        Add(buffer[..written]);
        Add(buffer[..Format(record.PaidOn.DayNumber, buffer)]);
        return unchecked((long)hash);

        static int Format(int value, Span<char> into)
        {
            value.TryFormat(into, out var n, provider: System.Globalization.CultureInfo.InvariantCulture);
            return n;
        }
    }
}
