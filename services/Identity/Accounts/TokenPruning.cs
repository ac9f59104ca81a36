using OpenIddict.Abstractions;

namespace Identity.Accounts;

/// <summary>Drops expired and revoked tokens and authorizations older than two weeks, hourly, so
/// the tables stay small.</summary>
public sealed class TokenPruning(IServiceProvider services, ILogger<TokenPruning> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var threshold = DateTimeOffset.UtcNow.AddDays(-14);
                await scope
                    .ServiceProvider.GetRequiredService<IOpenIddictTokenManager>()
                    .PruneAsync(threshold, stoppingToken);
                await scope
                    .ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>()
                    .PruneAsync(threshold, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "清理过期令牌失败，一小时后重试。");
            }
        }
    }
}
