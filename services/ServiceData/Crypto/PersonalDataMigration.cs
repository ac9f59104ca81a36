using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;

namespace Subsidy.ServiceData.Crypto;

/// <summary>
/// Moves stored values to the active data key, a batch of rows per transaction, walking each table
/// in physical order (ctid): the plain values of a database from before encryption, at its first
/// start, and values sealed under an earlier key, after a rotation. Each batch commits on its own,
/// so a crash loses nothing and the next run takes up what is left; a row changed meanwhile is left
/// for the next pass rather than overwritten.
/// </summary>
public sealed class PersonalDataMigration(
    PersonalData personalData,
    IReadOnlyList<SealedColumn> columns,
    IReadOnlyList<BlindIndexColumn> indexes
)
{
    private const int BatchRows = 500;

    /// <summary>Stored values the re-sealing could not open, left as they were.</summary>
    public long Unopened { get; private set; }

    /// <summary>Seals every plain value left; the number of rows sealed.</summary>
    public async Task<long> SealPlainAsync(
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        long total = 0;
        foreach (var column in columns)
        {
            if (column.Plain is not { } plain)
                continue;
            var after = new NpgsqlTid(0, 0);
            while (true)
            {
                var (sealedRows, last) = await SealPlainBatchAsync(
                    dataSource,
                    column,
                    plain,
                    after,
                    cancellationToken
                );
                if (last is null)
                    break;
                total += sealedRows;
                after = last.Value;
            }
        }
        foreach (var index in indexes)
        {
            var column = new SealedColumn(index.Table, index.IndexColumn);
            var plain = new PlainOrigin(
                "NULL::bytea",
                [index.PlainColumn],
                null,
                index.PlainColumn
            );
            var after = new NpgsqlTid(0, 0);
            while (true)
            {
                var (indexed, last) = await SealPlainBatchAsync(
                    dataSource,
                    column,
                    plain,
                    after,
                    cancellationToken,
                    indexOnly: true
                );
                if (last is null)
                    break;
                total += indexed;
                after = last.Value;
            }
        }
        return total;
    }

    /// <summary>Re-seals, under the active key, one batch of values sealed under another; the
    /// rows moved, 0 when every column is on the active key.</summary>
    public async Task<long> ResealAsync(
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        long total = 0;
        Unopened = 0;
        foreach (var column in columns)
        {
            var after = new NpgsqlTid(0, 0);
            while (true)
            {
                var (moved, last) = await ResealBatchAsync(
                    dataSource,
                    column,
                    after,
                    cancellationToken
                );
                if (last is null)
                    break;
                total += moved;
                after = last.Value;
            }
        }
        return total;
    }

    /// <summary>The ids of the data keys stored values are sealed under.</summary>
    public async Task<IReadOnlyCollection<int>> KeysInUseAsync(
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        var inUse = new HashSet<int> { personalData.ActiveKeyId };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var column in columns)
        {
            await using var command = new NpgsqlCommand(
                $"SELECT DISTINCT get_byte({column.Column}, 1) * 256 + get_byte({column.Column}, 2) FROM {column.Table} WHERE {column.Column} IS NOT NULL",
                connection
            );
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                inUse.Add(reader.GetInt32(0));
        }
        return inUse;
    }

    private async Task<(int Rows, NpgsqlTid? Last)> SealPlainBatchAsync(
        NpgsqlDataSource dataSource,
        SealedColumn column,
        PlainOrigin plain,
        NpgsqlTid after,
        CancellationToken cancellationToken,
        bool indexOnly = false
    )
    {
        var select = $"""
            SELECT ctid, {plain.Value}{(
                plain.IndexOf is null ? "" : $", {plain.IndexOf}"
            )} FROM {column.Table}
            WHERE ctid > @after::tid AND {column.Column} IS NULL AND {plain.Columns[0]} IS NOT NULL
            ORDER BY ctid LIMIT {BatchRows}
            """;
        var rows = new List<NpgsqlTid>();
        var sealedValues = new List<byte[]>();
        var indexes = new List<byte[]?>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(select, connection, transaction))
        {
            command.Parameters.AddWithValue("after", Text(after));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(reader.GetFieldValue<NpgsqlTid>(0));
                var idIndex =
                    plain.IndexOf is null || reader.IsDBNull(2)
                        ? null
                        : personalData.IdIndex(reader.GetString(2));
                sealedValues.Add(
                    indexOnly ? idIndex! : personalData.Seal(reader.GetFieldValue<byte[]>(1))
                );
                indexes.Add(idIndex);
            }
        }
        if (rows.Count == 0)
            return (0, null);
        var emptied = string.Concat(plain.Columns.Select(c => $", {c} = NULL"));
        var index = plain.IndexColumn is null ? "" : $", {plain.IndexColumn} = u.i";
        var update = $"""
            UPDATE {column.Table} t SET {column.Column} = u.s{index}{emptied}
            FROM unnest(@rows::tid[], @sealed, @indexes) AS u(r, s, i)
            WHERE t.ctid = u.r AND t.{column.Column} IS NULL
            """;
        await using (var command = new NpgsqlCommand(update, connection, transaction))
        {
            command.Parameters.AddWithValue("rows", rows.Select(Text).ToArray());
            command.Parameters.AddWithValue("sealed", sealedValues.ToArray());
            command.Parameters.Add(
                new NpgsqlParameter("indexes", NpgsqlDbType.Array | NpgsqlDbType.Bytea)
                {
                    Value = indexes.ToArray(),
                }
            );
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return (rows.Count, rows[^1]);
    }

    private async Task<(int Rows, NpgsqlTid? Last)> ResealBatchAsync(
        NpgsqlDataSource dataSource,
        SealedColumn column,
        NpgsqlTid after,
        CancellationToken cancellationToken
    )
    {
        var active = personalData.ActiveKeyId;
        var select = $"""
            SELECT ctid, {column.Column} FROM {column.Table}
            WHERE ctid > @after::tid AND {column.Column} IS NOT NULL
              AND get_byte({column.Column}, 1) * 256 + get_byte({column.Column}, 2) <> @active
            ORDER BY ctid LIMIT {BatchRows}
            """;
        var rows = new List<NpgsqlTid>();
        var old = new List<byte[]>();
        var resealed = new List<byte[]>();
        NpgsqlTid? lastRead = null;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(select, connection, transaction))
        {
            command.Parameters.AddWithValue("after", Text(after));
            command.Parameters.AddWithValue("active", active);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var value = reader.GetFieldValue<byte[]>(1);
                lastRead = reader.GetFieldValue<NpgsqlTid>(0);
                byte[] plain;
                try
                {
                    plain = personalData.Open(value);
                }
                catch (CryptographicException)
                {
                    // Changed, or sealed by another database's keys: left as it is (its key is
                    // then never retired) rather than stopping every other value's move.
                    Unopened++;
                    continue;
                }
                rows.Add(lastRead.Value);
                old.Add(value);
                resealed.Add(personalData.Seal(plain));
            }
        }
        if (rows.Count == 0)
            return (0, lastRead);
        var update = $"""
            UPDATE {column.Table} t SET {column.Column} = u.n
            FROM unnest(@rows::tid[], @old, @resealed) AS u(r, o, n)
            WHERE t.ctid = u.r AND t.{column.Column} = u.o
            """;
        await using (var command = new NpgsqlCommand(update, connection, transaction))
        {
            command.Parameters.AddWithValue("rows", rows.Select(Text).ToArray());
            command.Parameters.AddWithValue("old", old.ToArray());
            command.Parameters.AddWithValue("resealed", resealed.ToArray());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return (rows.Count, rows[^1]);
    }

    // Npgsql reads tid but writes neither it nor its arrays: row addresses go as text, cast back.
    private static string Text(NpgsqlTid tid) => $"({tid.BlockNumber},{tid.OffsetNumber})";
}
