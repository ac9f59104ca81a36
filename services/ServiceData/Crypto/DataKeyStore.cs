using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace Subsidy.ServiceData.Crypto;

/// <summary>A database's data keys in its data_keys table, each wrapped by the key-encryption
/// key.</summary>
public sealed class DataKeyStore(byte[] keyEncryptionKey)
{
    public const string Channel = "data_keys";

    private const string LoadSql = "SELECT id, purpose, wrapped, active FROM data_keys ORDER BY id";

    // Two instances starting at once create the keys once.
    private const string LockSql = "SELECT pg_advisory_xact_lock(7220028)";

    private const string MissingSql = """
        SELECT p.purpose FROM (VALUES ('data'), ('index')) AS p(purpose)
        WHERE NOT EXISTS (SELECT 1 FROM data_keys k WHERE k.purpose = p.purpose AND k.active)
        """;

    private const string NextIdSql = "SELECT coalesce(max(id), 0) + 1 FROM data_keys";

    private const string InsertSql = $"""
        UPDATE data_keys SET active = false WHERE purpose = @Purpose AND active;
        INSERT INTO data_keys (id, purpose, wrapped, active) VALUES (@Id, @Purpose, @Wrapped, true);
        SELECT pg_notify('{Channel}', '');
        """;

    private const string PendingSql =
        "SELECT EXISTS (SELECT 1 FROM data_keys WHERE purpose = 'data' AND NOT active AND retired_at IS NULL)";

    private const string RetireSql = $"""
        UPDATE data_keys SET retired_at = now() WHERE purpose = 'data' AND NOT active AND retired_at IS NULL
            AND id <> ALL(@InUse);
        SELECT pg_notify('{Channel}', '');
        """;

    private sealed record Row(int Id, string Purpose, byte[] Wrapped, bool Active);

    /// <summary>Creates whatever key the database lacks (its first start after this change), then
    /// reads them all.</summary>
    public async Task<DataKeySet> EnsureAsync(NpgsqlConnection connection)
    {
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await connection.ExecuteAsync(LockSql, transaction: transaction);
            foreach (
                var purpose in await connection.QueryAsync<string>(
                    MissingSql,
                    transaction: transaction
                )
            )
                await InsertAsync(connection, transaction, purpose);
            await transaction.CommitAsync();
        }
        return Load(connection);
    }

    /// <summary>A new data key becomes the one new values are sealed with; the earlier ones still
    /// open what they sealed until the re-encryption has moved it all.</summary>
    public async Task<int> RotateAsync(NpgsqlConnection connection)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(LockSql, transaction: transaction);
        var id = await InsertAsync(connection, transaction, "data");
        await transaction.CommitAsync();
        return id;
    }

    /// <summary>Whether an earlier data key may still seal stored values: a rotation whose
    /// re-sealing has not finished.</summary>
    public Task<bool> RotationPendingAsync(NpgsqlConnection connection) =>
        connection.ExecuteScalarAsync<bool>(PendingSql);

    /// <summary>Keys no stored value refers to any more are marked retired: they seal nothing and
    /// nothing waits for them. They are still loaded, so a value a slow instance sealed with one
    /// just before it heard of the rotation still opens (and is moved by the next pass).</summary>
    public Task RetireAsync(NpgsqlConnection connection, IReadOnlyCollection<int> inUse) =>
        connection.ExecuteAsync(RetireSql, new { InUse = inUse.ToArray() });

    public DataKeySet Load(NpgsqlConnection connection)
    {
        var rows = connection.Query<Row>(LoadSql).AsList();
        var data = new Dictionary<int, byte[]>();
        var active = 0;
        byte[]? index = null;
        foreach (var row in rows)
        {
            var key = Unwrap(row);
            if (row.Purpose == "index")
            {
                if (row.Active)
                    index = key;
                continue;
            }
            data[row.Id] = key;
            if (row.Active)
                active = row.Id;
        }
        if (active == 0 || index is null)
            throw new InvalidOperationException(
                "数据库尚无个人信息数据密钥：服务首次启动时应已创建。"
            );
        return new DataKeySet(data, active, index);
    }

    private async Task<int> InsertAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string purpose
    )
    {
        var id = await connection.ExecuteScalarAsync<int>(NextIdSql, transaction: transaction);
        var key = RandomNumberGenerator.GetBytes(Sm4Gcm.KeyLength);
        await connection.ExecuteAsync(
            InsertSql,
            new
            {
                Id = id,
                Purpose = purpose,
                Wrapped = Sm4Gcm.Encrypt(keyEncryptionKey, key, Label(id, purpose)),
            },
            transaction
        );
        return id;
    }

    private byte[] Unwrap(Row row)
    {
        try
        {
            return Sm4Gcm.Decrypt(keyEncryptionKey, row.Wrapped, Label(row.Id, row.Purpose));
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException(
                $"个人信息主密钥打不开本库的数据密钥 {row.Id}：配置的主密钥文件不是创建这些数据密钥时所用的。",
                e
            );
        }
    }

    private static byte[] Label(int id, string purpose) =>
        Encoding.UTF8.GetBytes($"data-key {id} {purpose}");
}
