using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Subsidy.ServiceData.Crypto;

/// <summary>
/// After a data key rotation (<c>./run.sh admin keys rotate-data</c>, which notifies
/// <see cref="DataKeyStore.Channel"/>): loads the new key, so new values are sealed with it, and
/// re-seals every stored value under it in the background while the service goes on working. One
/// instance of the service does the re-sealing at a time; the others only load the key. Keys no
/// value refers to any more are then marked retired.
/// </summary>
public sealed partial class PersonalDataKeeper(
    NpgsqlDataSource dataSource,
    PersonalData personalData,
    DataKeyStore store,
    PersonalDataMigration migration,
    ILogger<PersonalDataKeeper> logger
) : NotifiedWorker(dataSource, logger, DataKeyStore.Channel, TimeSpan.FromMinutes(5))
{
    protected override async Task<bool> WorkAsync(
        NpgsqlConnection session,
        CancellationToken cancellationToken
    )
    {
        personalData.Use(store.Load(session));
        // Only a rotation leaves anything to move: the periodic look must not scan every table.
        if (
            !await store.RotationPendingAsync(session)
            || !await session.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(7220029)")
        )
            return false;
        try
        {
            var moved = await migration.ResealAsync(DataSource, cancellationToken);
            if (moved > 0)
                LogResealed(logger, moved, personalData.ActiveKeyId);
            if (migration.Unopened > 0)
                LogUnopened(logger, migration.Unopened);
            var inUse = await migration.KeysInUseAsync(DataSource, cancellationToken);
            await store.RetireAsync(session, inUse);
        }
        finally
        {
            await session.ExecuteAsync("SELECT pg_advisory_unlock(7220029)");
        }
        return false;
    }

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "{Values} stored values failed to open and were left under their earlier key"
    )]
    private static partial void LogUnopened(ILogger logger, long values);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Re-sealed {Rows} stored values under data key {KeyId}"
    )]
    private static partial void LogResealed(ILogger logger, long rows, int keyId);
}
