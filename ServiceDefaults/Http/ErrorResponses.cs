using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Subsidy.ServiceDefaults.Http;

/// <summary>
/// Every error a caller sees is a problem document in Chinese with the request's trace id — never a
/// stack trace, SQL text or the caller's own headers, in any environment
/// (docs/design/08-access-and-roles.md). What a hostile or broken request causes (bad JSON, wrong
/// types, characters the database cannot keep, an oversized body) is a 4xx saying what was wrong;
/// anything else is a 500 that says only that the request failed and under which trace id it was
/// logged.
/// </summary>
public sealed partial class ErrorResponses(
    IProblemDetailsService problems,
    ILogger<ErrorResponses> logger
) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(
        HttpContext http,
        Exception exception,
        CancellationToken cancellationToken
    )
    {
        if (http.Response.HasStarted)
            return false;
        var (status, title, detail) = Describe(exception);
        if (status >= 500)
            LogFailed(logger, http.Request.Method, http.Request.Path, exception);
        http.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
            http.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(
            new ProblemDetailsContext
            {
                HttpContext = http,
                Exception = null,
                ProblemDetails = new ProblemDetails
                {
                    Status = status,
                    Title = title,
                    Detail = detail,
                },
            }
        );
    }

    /// <summary>What the caller is told about an exception: status, title and reason.</summary>
    public static (int Status, string Title, string Detail) Describe(Exception exception) =>
        exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (
                413,
                "请求内容过大",
                "请求内容超过了该接口允许的大小。"
            ),
            BadHttpRequestException { InnerException: JsonException json } => (
                400,
                "输入有误",
                $"请求内容不是有效的 JSON，或字段类型不符{Where(json)}。"
            ),
            BadHttpRequestException bad
                when bad.Message.Contains("JSON", StringComparison.Ordinal) => (
                400,
                "输入有误",
                "请求内容不是有效的 JSON，或缺少请求内容。"
            ),
            BadHttpRequestException bad => (
                bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : 400,
                "请求有误",
                "请求的地址参数、查询参数或内容格式不正确。"
            ),
            JsonException json => (
                400,
                "输入有误",
                $"请求内容不是有效的 JSON，或字段类型不符{Where(json)}。"
            ),
            System.Data.Common.DbException { SqlState: "22021" or "22P05" or "54000" } => (
                400,
                "输入有误",
                "请求中含有无法保存的字符（如 NUL 控制字符）或过长的内容。"
            ),
            System.Data.Common.DbException
            {
                SqlState: "22001" or "22003" or "22007" or "22008" or "22P02"
            } => (400, "输入有误", "请求中的某个值超出了允许的范围或格式。"),
            // A failover under the request: nothing it wrote committed.
            _ when Resilience.DatabaseFailover.IsUnavailable(exception) => (
                503,
                "数据库暂不可用",
                "数据库正在切换或恢复，本次操作未保存任何内容，请稍后重新提交。"
            ),
            OperationCanceledException => (499, "请求已取消", "请求在完成前被取消。"),
            _ => (
                500,
                "服务器内部错误",
                $"请求未能完成，已记录为错误编号 {Activity.Current?.TraceId.ToString() ?? "（无）"}，请联系系统管理员。"
            ),
        };

    private static string Where(JsonException json) =>
        json.Path is { Length: > 0 } path ? $"（位置：{path}）" : "";

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailed(
        ILogger logger,
        string method,
        string path,
        Exception exception
    );
}

public static class ErrorResponseExtensions
{
    private static readonly Dictionary<int, (string Title, string Detail)> ChineseReasons = new()
    {
        [400] = ("请求有误", "请求的格式不正确。"),
        [401] = ("未登录", "请先登录：请求须携带有效、未过期的访问令牌。"),
        [403] = ("无权操作", "您无权访问该资源。"),
        [404] = ("未找到", "请求的地址不存在。"),
        [405] = ("方法不允许", "该地址不支持此请求方法。"),
        [406] = ("格式不支持", "无法按请求的格式答复。"),
        [408] = ("请求超时", "请求在规定时间内未完成。"),
        [413] = ("请求内容过大", "请求内容超过了该接口允许的大小。"),
        [415] = ("内容类型不支持", "请求内容的类型不被该接口接受。"),
        [429] = ("请求过于频繁", "请稍后再试。"),
        [500] = ("服务器内部错误", "请求未能完成，请联系系统管理员。"),
        [502] = ("服务暂不可用", "后端服务暂时无法答复，请稍后再试。"),
        [503] = ("服务暂不可用", "服务正在启动或维护，请稍后再试。"),
    };

    /// <summary>Problem documents carry the trace id (for the support desk to find the log) and
    /// nothing of the exception.</summary>
    public static IServiceCollection AddErrorResponses(this IServiceCollection services)
    {
        services.AddProblemDetails(options =>
            options.CustomizeProblemDetails = context =>
            {
                var problem = context.ProblemDetails;
                problem.Extensions.Remove("exception");
                problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString()
                    ?? context.HttpContext.TraceIdentifier;
                // A status answered without words of ours (no token, an unknown route) still says
                // why, in Chinese.
                if (ChineseReasons.TryGetValue(problem.Status ?? 0, out var reason))
                {
                    if (problem.Title is null || !problem.Title.Any(c => c >= 0x4E00))
                        problem.Title = reason.Title;
                    problem.Detail ??=
                        problem is HttpValidationProblemDetails
                            ? "请按各字段的说明修改后重试。"
                            : reason.Detail;
                }
            }
        );
        services.AddExceptionHandler<ErrorResponses>();
        // A malformed body or parameter throws to ErrorResponses (a Chinese 400) instead of an
        // empty 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options =>
            options.ThrowOnBadRequest = true
        );
        return services;
    }

    /// <summary>
    /// First in every pipeline: the developer exception page that Development adds is never
    /// reached, since every exception is answered here; a status without a body (404 of an unknown
    /// route, 405) gets its Chinese problem too.
    /// </summary>
    public static WebApplication UseErrorResponses(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<HostileInput>();
        return app;
    }
}
