using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Subsidy.ServiceData;

/// <summary>
/// Seals the audit log's new entries into its SM3 chain (<see cref="AuditChain"/>) every two
/// seconds, in the order they became visible. One instance seals at a time (an advisory lock), so
/// two instances of a service never fork the chain; entries are written by many transactions at
/// once, and sealing after they commit is what lets them stay concurrent.
/// </summary>
public sealed partial class AuditSealer(NpgsqlDataSource dataSource, ILogger<AuditSealer> logger)
    : BackgroundService
{
    private const long LockKey = 0x5355_4253_4155_4449; // "SUBSAUDI"

    private const string LastSql = """
        SELECT seal_seq, hash FROM audit_log WHERE seal_seq IS NOT NULL
        ORDER BY seal_seq DESC LIMIT 1
        """;

    private const string UnsealedSql = """
        SELECT id, entity, entity_key AS EntityKey, division_code AS DivisionCode, action,
            from_state AS FromState, to_state AS ToState, reason, actor, actor_role AS ActorRole, at
        FROM audit_log WHERE seal_seq IS NULL ORDER BY id LIMIT 1000
        """;

    private const string SealSql = """
        UPDATE audit_log SET seal_seq = @Sequence, prev_hash = @Previous, hash = @Hash WHERE id = @Id
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SealAsync(stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    // The database is away (a restart, a failover): the entries wait for the
                    // next round.
                    LogFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    public async Task<int> SealAsync(CancellationToken cancellationToken)
    {
        await using var work = await UnitOfWork.BeginAsync(dataSource, cancellationToken);
        var connection = work.Connection;
        if (
            !await connection.ExecuteScalarAsync<bool>(
                new CommandDefinition(
                    "SELECT pg_try_advisory_xact_lock(@LockKey)",
                    new { LockKey },
                    work.Transaction,
                    cancellationToken: cancellationToken
                )
            )
        )
            return 0;
        var last = await connection.QuerySingleOrDefaultAsync<(long Sequence, string Hash)?>(
            new CommandDefinition(
                LastSql,
                transaction: work.Transaction,
                cancellationToken: cancellationToken
            )
        );
        var (sequence, previous) = last ?? (0, AuditChain.Genesis);
        var entries = (
            await connection.QueryAsync<ChainedEntry>(
                new CommandDefinition(
                    UnsealedSql,
                    transaction: work.Transaction,
                    cancellationToken: cancellationToken
                )
            )
        ).AsList();
        if (entries.Count == 0)
            return 0;
        var seals = new List<object>(entries.Count);
        foreach (var entry in entries)
        {
            var hash = AuditChain.Hash(previous, entry);
            seals.Add(
                new
                {
                    Sequence = ++sequence,
                    Previous = previous,
                    Hash = hash,
                    entry.Id,
                }
            );
            previous = hash;
        }
        await connection.ExecuteAsync(
            new CommandDefinition(
                SealSql,
                seals,
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
        await work.CommitAsync(cancellationToken);
        return entries.Count;
    }

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Audit entries could not be sealed this round"
    )]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
