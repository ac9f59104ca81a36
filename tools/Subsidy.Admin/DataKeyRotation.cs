using Dapper;
using Subsidy.ServiceData.Crypto;

namespace Subsidy.Admin;

/// <summary>
/// ./run.sh admin keys rotate-data: a new data key in every service database. Each running service
/// hears of it (a notification on the database), seals new values with it at once and re-seals the
/// stored ones in the background, a batch at a time, while imports and calculations go on; a
/// service stopped meanwhile takes it up at its next start. The key-encryption key is unchanged.
/// </summary>
public static class DataKeyRotation
{
    public static async Task<int> RunAsync(string server)
    {
        var store = new DataKeyStore(PersonalDataKeys.KeyEncryptionKey());
        foreach (var (database, name) in CountyArchive.Databases)
        {
            await using var connection = await CountyArchive.OpenAsync(server, database);
            // Fails here, before any database changes, if the key file is not the one the
            // databases' keys were wrapped with.
            store.Load(connection);
            var id = await store.RotateAsync(connection);
            Console.WriteLine(
                $"数据密钥已轮换 rotated：{name}（数据库 {database}）新数据密钥 {id}，已存数据在后台重新加密。"
            );
        }
        return 0;
    }

    /// <summary>./run.sh admin keys status: per database, the active data key and how many keys
    /// still wait for their values to be moved.</summary>
    public static async Task<int> StatusAsync(string server)
    {
        foreach (var (database, name) in CountyArchive.Databases)
        {
            await using var connection = await CountyArchive.OpenAsync(server, database);
            var (active, waiting) = await connection.QuerySingleAsync<(int, int)>(
                """
                SELECT coalesce(max(id) FILTER (WHERE active), 0),
                       count(*) FILTER (WHERE NOT active AND retired_at IS NULL)::int
                FROM data_keys WHERE purpose = 'data'
                """
            );
            Console.WriteLine(
                waiting == 0
                    ? $"{name}（数据库 {database}）：数据密钥 {active}，全部数据已用其加密。"
                    : $"{name}（数据库 {database}）：数据密钥 {active}，另有 {waiting} 把旧密钥的数据正在重新加密。"
            );
        }
        return 0;
    }
}
