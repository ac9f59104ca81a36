using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Subsidy.ServiceDefaults.Http;

/// <summary>
/// Refuses a request whose path or query holds a control character (a NUL, say) or bytes that are
/// not UTF-8, before any handler sees it: no code or database is asked to deal with them, and the
/// caller learns why (docs/design/08-access-and-roles.md).
/// </summary>
public sealed class HostileInput(RequestDelegate next, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (
            Unfit(http.Request.Path.Value)
            || http.Request.Query.Any(q => Unfit(q.Key) || q.Value.Any(Unfit))
        )
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await problems.WriteAsync(
                new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = 400,
                        Title = "请求有误",
                        Detail =
                            "请求地址或查询参数中含有控制字符（如 NUL）或无效的 UTF-8 字节，已拒绝。",
                    },
                }
            );
            return;
        }
        await next(http);
    }

    /// <summary>A control character, or the replacement character that invalid UTF-8 in a
    /// percent-encoding decodes to.</summary>
    public static bool Unfit(string? text)
    {
        if (text is null)
            return false;
        foreach (var c in text)
        {
            if (char.IsControl(c) || c == '\uFFFD')
                return true;
        }
        return false;
    }
}
