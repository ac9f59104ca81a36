using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Subsidy.ServiceDefaults.Resilience;

/// <summary>
/// A request whose unit of work lost the database (a failover) is run again, whole, every
/// <see cref="Pause"/> until the database is back or <see cref="Patience"/> has passed: nothing of
/// it committed, so the official's click or the script's call succeeds late instead of failing. An
/// upload (a body too large to hold) is not repeated here: it is answered 503 and the caller sends
/// it again (the file's hash makes that the same import).
/// </summary>
public sealed partial class FailoverRetry(RequestDelegate next, ILogger<FailoverRetry> logger)
{
    public static TimeSpan Pause { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longer than a promotion (the monitor's 20 s to call the primary unhealthy and 10 s
    /// to let it demote).</summary>
    public static TimeSpan Patience { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Bodies up to this size are kept to be read again; larger ones are uploads.</summary>
    public const long LargestRepeatedBody = 1024 * 1024;

    public async Task InvokeAsync(HttpContext http)
    {
        var request = http.Request;
        var bodyLength = request.ContentLength;
        if (
            bodyLength > LargestRepeatedBody
            || (bodyLength is null && request.Headers.TransferEncoding.Count > 0)
        )
        {
            await next(http);
            return;
        }
        if (bodyLength > 0)
            request.EnableBuffering();
        var giveUp = DateTime.UtcNow + Patience;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await next(http);
                return;
            }
            catch (Exception e)
                when (DatabaseFailover.IsUnavailable(e)
                    && !http.Response.HasStarted
                    && !http.RequestAborted.IsCancellationRequested
                    && DateTime.UtcNow + Pause < giveUp
                )
            {
                LogRepeating(logger, request.Method, request.Path, attempt);
                await Task.Delay(Pause, http.RequestAborted);
                if (request.Body.CanSeek)
                    request.Body.Position = 0;
                http.Response.Clear();
            }
        }
    }

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "数据库暂不可用，{Method} {Path} 将整体重做（第 {Attempt} 次失败）"
    )]
    private static partial void LogRepeating(
        ILogger logger,
        string method,
        string path,
        int attempt
    );
}

public static class FailoverRetryExtensions
{
    /// <summary>After the error responses, before authentication: a service that owns a
    /// database repeats a request that lost it.</summary>
    public static WebApplication UseFailoverRetry(this WebApplication app)
    {
        app.UseMiddleware<FailoverRetry>();
        return app;
    }
}
