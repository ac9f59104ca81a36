using Npgsql;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Time;

namespace SchemeRegistry.Schemes;

/// <summary>
/// On and after 1 January, carries last year's terms over for every village that has no new
/// approved scheme, without anyone having to ask. Runs at start-up and then hourly; carrying over
/// is idempotent.
/// </summary>
public sealed partial class CarryOverJob(
    NpgsqlDataSource dataSource,
    TimeProvider time,
    BusinessClock clock,
    ILogger<CarryOverJob> logger
) : BackgroundService
{
    private static readonly Caller System = new("system", "年度方案自动沿用", "system", "");
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var year = clock.Today.Year;
                await using var work = await UnitOfWork.BeginAsync(dataSource, stoppingToken);
                var carried = await SchemeStore.CarryOverAsync(
                    work,
                    System,
                    "",
                    year,
                    stoppingToken
                );
                await work.CommitAsync(stoppingToken);
                if (carried.Count > 0)
                    LogCarriedOver(logger, carried.Count, year);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Carried {Count} schemes over into {Year}"
    )]
    private static partial void LogCarriedOver(ILogger logger, int count, int year);

    [LoggerMessage(Level = LogLevel.Error, Message = "Carry-over failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
