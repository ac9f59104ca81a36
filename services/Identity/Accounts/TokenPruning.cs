using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

namespace Identity.Accounts;

/// <summary>Drops expired and revoked tokens and authorizations older than two weeks, hourly, so
/// the tables stay small. With several instances one prunes at a time (a transaction-scoped
/// advisory lock); the others skip the round.</summary>
public sealed class TokenPruning(IServiceProvider services, ILogger<TokenPruning> logger)
    : BackgroundService
{
    private const string TryLockSql = "SELECT pg_try_advisory_xact_lock(7220032) AS \"Value\"";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<Identity.Data.IdentityDb>();
                await using var transaction = await db.Database.BeginTransactionAsync(
                    stoppingToken
                );
                var mine = await db
                    .Database.SqlQueryRaw<bool>(TryLockSql)
                    .SingleAsync(stoppingToken);
                if (!mine)
                    continue;
                var threshold = DateTimeOffset.UtcNow.AddDays(-14);
                await scope
                    .ServiceProvider.GetRequiredService<IOpenIddictTokenManager>()
                    .PruneAsync(threshold, stoppingToken);
                await scope
                    .ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>()
                    .PruneAsync(threshold, stoppingToken);
                await transaction.CommitAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "清理过期令牌失败，一小时后重试。");
            }
        }
    }
}
