using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Subsidy.ServiceDefaults.Messaging;

/// <summary>
/// A request an instance sends when it starts, for reference data it may have missed (divisions and
/// policy years, recent revocations). The answers travel to this instance's own queues, so the
/// request goes out only once the bus is healthy — every receive endpoint bound — since RabbitMQ
/// drops what is published to an exchange with no queue yet (a first start that asked too early
/// waited for ever). It is sent again, each time after a longer pause, until its answer arrives: a
/// lost request or answer delays a start, it never leaves it without its data.
/// </summary>
public sealed partial class StartupRequests(
    IConfiguration configuration,
    ILogger<StartupRequests> logger
)
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _waiting = new();

    /// <summary>The first wait for an answer; each later one is twice the last, up to <see
    /// cref="LongestWait"/>.</summary>
    public TimeSpan FirstWait =>
        TimeSpan.FromSeconds(configuration.GetValue("Messaging:StartupAnswerSeconds", 15.0));

    public static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(2);

    /// <summary>The waits between sends: doubling from the first, capped.</summary>
    public static TimeSpan NextWait(TimeSpan last) =>
        last * 2 < LongestWait ? last * 2 : LongestWait;

    /// <summary>An answer arrived; an answer to another instance's request, or to one given up on,
    /// is ignored.</summary>
    public void Answered(Guid requestId)
    {
        if (_waiting.TryRemove(requestId, out var answered))
            answered.TrySetResult();
    }

    /// <summary>Sends the request (a fresh id each time) until it is answered or the application
    /// stops; returns how many were sent.</summary>
    public async Task<int> SendUntilAnsweredAsync(
        string what,
        IBusControl bus,
        Func<Guid, CancellationToken, Task> send,
        CancellationToken stopping
    )
    {
        var wait = FirstWait;
        for (var attempt = 1; ; attempt++)
        {
            await bus.WaitForHealthStatus(BusHealthStatus.Healthy, stopping);
            var requestId = NewId.NextGuid();
            var answered = new TaskCompletionSource(
                TaskCreationOptions.RunContinuationsAsynchronously
            );
            _waiting[requestId] = answered;
            try
            {
                await send(requestId, stopping);
                if (await Task.WhenAny(answered.Task, Task.Delay(wait, stopping)) == answered.Task)
                {
                    LogAnswered(logger, what, attempt);
                    return attempt;
                }
                stopping.ThrowIfCancellationRequested();
                LogUnanswered(logger, what, attempt, wait.TotalSeconds);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSendFailed(logger, what, attempt, e);
            }
            finally
            {
                _waiting.TryRemove(requestId, out _);
            }
            wait = NextWait(wait);
        }
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "启动时请求的{What}已收到答复（第 {Attempt} 次请求）"
    )]
    private static partial void LogAnswered(ILogger logger, string what, int attempt);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "启动时请求的{What}在 {Seconds} 秒内未收到答复（第 {Attempt} 次请求），将再次请求"
    )]
    private static partial void LogUnanswered(
        ILogger logger,
        string what,
        int attempt,
        double seconds
    );

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "启动时未能发出{What}请求（第 {Attempt} 次），将再次请求"
    )]
    private static partial void LogSendFailed(
        ILogger logger,
        string what,
        int attempt,
        Exception exception
    );
}
