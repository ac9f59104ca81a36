using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Subsidy.ServiceData;

/// <summary>
/// Background work woken by a PostgreSQL NOTIFY on <paramref name="channel"/> (sent in the
/// transaction that made work, so it arrives on commit), with a periodic look as the fallback. A
/// failure is logged and the loop starts again on a fresh connection.
/// </summary>
public abstract partial class NotifiedWorker(
    NpgsqlDataSource dataSource,
    ILogger logger,
    string channel,
    TimeSpan idleWait
) : BackgroundService
{
    protected NpgsqlDataSource DataSource { get; } = dataSource;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var session = await DataSource.OpenConnectionAsync(stoppingToken);
                await session.ExecuteAsync($"LISTEN {channel}");
                try
                {
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        if (
                            await WorkAsync(session, stoppingToken)
                            || !await session.WaitAsync(idleWait, stoppingToken)
                        )
                            continue;
                        if (Gathering > TimeSpan.Zero)
                            await Task.Delay(Gathering, stoppingToken);
                        await DrainAsync(session, stoppingToken);
                    }
                }
                finally
                {
                    // Pooled connections go back without a reset: the next user must not go on
                    // listening.
                    if (session.State == System.Data.ConnectionState.Open)
                        await session.ExecuteAsync($"UNLISTEN {channel}");
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(logger, GetType().Name, e);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken)
                    .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// A burst of commits sends a notification each, and one round of work serves them all: taken
    /// one at a time, the events of a city's reference data kept the outbox relay claiming empty
    /// batches long after they had gone out.
    /// </summary>
    private static async Task DrainAsync(
        NpgsqlConnection session,
        CancellationToken cancellationToken
    )
    {
        // At most a moment: under a steady stream the work must not wait for the stream to pause.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (
            System.Diagnostics.Stopwatch.GetElapsedTime(started) < TimeSpan.FromMilliseconds(20)
            && await session.WaitAsync(TimeSpan.FromMilliseconds(1), cancellationToken)
        ) { }
    }

    /// <summary>How long to let further commits gather after a wake-up, so one round of work takes
    /// them together.</summary>
    protected virtual TimeSpan Gathering => TimeSpan.Zero;

    /// <summary>Does one unit of work on the worker's own session; true when more may be waiting
    /// right away.</summary>
    protected abstract Task<bool> WorkAsync(
        NpgsqlConnection session,
        CancellationToken cancellationToken
    );

    [LoggerMessage(Level = LogLevel.Error, Message = "{Worker} failed; starting again")]
    private static partial void LogFailed(ILogger logger, string worker, Exception exception);
}
