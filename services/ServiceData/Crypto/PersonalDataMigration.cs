using System.Security.Cryptography;
using Dapper;
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

    private const string SealedSql = "SELECT table_name || '.' || column_name FROM sealed_in_place";
    private const string MarkSealedSql =
        "INSERT INTO sealed_in_place (table_name, column_name) VALUES (@Table, @Column) ON CONFLICT DO NOTHING";

    /// <summary>Plain values of one table, sealed and/or indexed: <see cref="Done"/> is the column
    /// that is null while a row is still plain.</summary>
    private sealed record PlainWork(
        string Table,
        string Done,
        string? Sealed,
        string? Value,
        string[] Emptied,
        string? IndexColumn,
        string? IndexOf
    );

    /// <summary>Stored values the re-sealing could not open, left as they were.</summary>
    public long Unopened { get; private set; }

    /// <summary>Seals every plain value left; the number of rows sealed. A table once done is
    /// recorded, so later starts do not scan it again.</summary>
    public async Task<long> SealPlainAsync(
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        var work = columns
            .Where(c => c.Plain is not null)
            .Select(c => new PlainWork(
                c.Table,
                c.Column,
                c.Column,
                c.Plain!.Value,
                c.Plain.Columns,
                c.Plain.IndexColumn,
                c.Plain.IndexOf
            ))
            .Concat(
                indexes.Select(i => new PlainWork(
                    i.Table,
                    i.IndexColumn,
                    null,
                    null,
                    [i.PlainColumn],
                    i.IndexColumn,
                    i.PlainColumn
                ))
            );
        HashSet<string> done;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
            done = (await connection.QueryAsync<string>(SealedSql)).ToHashSet();
        long total = 0;
        foreach (var plain in work.Where(w => !done.Contains($"{w.Table}.{w.Done}")))
        {
            total += await WalkAsync(after =>
                SealPlainBatchAsync(dataSource, plain, after, cancellationToken)
            );
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteAsync(MarkSealedSql, new { plain.Table, Column = plain.Done });
        }
        return total;
    }

    /// <summary>Re-seals, under the active key, every value sealed under another; the rows
    /// moved.</summary>
    public async Task<long> ResealAsync(
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        long total = 0;
        Unopened = 0;
        foreach (var column in columns)
        {
            total += await WalkAsync(after =>
                ResealBatchAsync(dataSource, column, after, cancellationToken)
            );
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
            inUse.UnionWith(
                await connection.QueryAsync<int>(
                    $"SELECT DISTINCT {KeyIdOf(column.Column)} FROM {column.Table} WHERE {column.Column} IS NOT NULL"
                )
            );
        }
        return inUse;
    }

    /// <summary>Runs batches through a table from its first row address to its last; the rows
    /// the batches changed.</summary>
    private static async Task<long> WalkAsync(
        Func<NpgsqlTid, Task<(int Rows, NpgsqlTid? Last)>> batch
    )
    {
        long total = 0;
        var after = new NpgsqlTid(0, 0);
        while (await batch(after) is (var rows, { } last))
        {
            total += rows;
            after = last;
        }
        return total;
    }

    /// <summary>The data key id a sealed value names, read from its first bytes only: a document
    /// or an uploaded piece stored out of line is not fetched whole to read it.</summary>
    private static string KeyIdOf(string column) =>
        $"get_byte(substring({column} from 2 for 2), 0) * 256 + get_byte(substring({column} from 2 for 2), 1)";

    private async Task<(int Rows, NpgsqlTid? Last)> SealPlainBatchAsync(
        NpgsqlDataSource dataSource,
        PlainWork plain,
        NpgsqlTid after,
        CancellationToken cancellationToken
    )
    {
        var select = $"""
            SELECT ctid, {plain.Value ?? "NULL::bytea"}, {plain.IndexOf
                ?? "NULL::text"} FROM {plain.Table}
            WHERE ctid > @after::tid AND {plain.Done} IS NULL AND {plain.Emptied[0]} IS NOT NULL
            ORDER BY ctid LIMIT {BatchRows}
            """;
        var rows = new List<NpgsqlTid>();
        var sealedValues = new List<byte[]?>();
        var idIndexes = new List<byte[]?>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(select, connection, transaction))
        {
            command.Parameters.AddWithValue("after", Text(after));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(reader.GetFieldValue<NpgsqlTid>(0));
                sealedValues.Add(
                    reader.IsDBNull(1) ? null : personalData.Seal(reader.GetFieldValue<byte[]>(1))
                );
                idIndexes.Add(
                    reader.IsDBNull(2) ? null : personalData.IdIndex(reader.GetString(2))
                );
            }
        }
        if (rows.Count == 0)
            return (0, null);
        var assignments = new[]
        {
            plain.Sealed is null ? null : $"{plain.Sealed} = u.s",
            plain.IndexColumn is null ? null : $"{plain.IndexColumn} = u.i",
        }
            .Concat(plain.Emptied.Select(c => $"{c} = NULL"))
            .OfType<string>();
        var update = $"""
            UPDATE {plain.Table} t SET {string.Join(", ", assignments)}
            FROM unnest(@rows::tid[], @sealed, @indexes) AS u(r, s, i)
            WHERE t.ctid = u.r AND t.{plain.Done} IS NULL
            """;
        await using (var command = new NpgsqlCommand(update, connection, transaction))
        {
            command.Parameters.AddWithValue("rows", rows.Select(Text).ToArray());
            command.Parameters.Add(Bytes("sealed", sealedValues));
            command.Parameters.Add(Bytes("indexes", idIndexes));
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
        var select = $"""
            SELECT ctid, {column.Column} FROM {column.Table}
            WHERE ctid > @after::tid AND {column.Column} IS NOT NULL AND {KeyIdOf(
                column.Column
            )} <> @active
            ORDER BY ctid LIMIT {BatchRows}
            """;
        var rows = new List<NpgsqlTid>();
        var old = new List<byte[]?>();
        var resealed = new List<byte[]?>();
        NpgsqlTid? lastRead = null;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(select, connection, transaction))
        {
            command.Parameters.AddWithValue("after", Text(after));
            command.Parameters.AddWithValue("active", personalData.ActiveKeyId);
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
            command.Parameters.Add(Bytes("old", old));
            command.Parameters.Add(Bytes("resealed", resealed));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return (rows.Count, rows[^1]);
    }

    private static NpgsqlParameter Bytes(string name, List<byte[]?> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = values.ToArray() };

    // Npgsql reads tid but writes neither it nor its arrays: row addresses go as text, cast back.
    private static string Text(NpgsqlTid tid) => $"({tid.BlockNumber},{tid.OffsetNumber})";
}
