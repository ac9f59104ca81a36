using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Proxy;

/// <summary>
/// Request bodies are bounded per route (docs/design/08-access-and-roles.md): the contribution
/// export up to 2 GiB (streamed, never buffered), a village's roster 64 MiB, and everything else —
/// JSON forms, steps, sign-in — 1 MiB. A body declared larger is refused at once with 413 and the
/// reason, before anything is forwarded; one that turns out larger while it streams is cut off by
/// the server at the same bound.
/// </summary>
public static class BodyLimits
{
    public const long Json = 1L << 20;
    public const long Roster = 64L << 20;
    public const long Export = 2L << 30;

    public static long For(PathString path) =>
        path.StartsWithSegments("/api/imports/contributions") ? Export
        : path.StartsWithSegments("/api/imports/rosters") ? Roster
        : Json;

    public static async Task EnforceAsync(HttpContext http, Func<Task> next)
    {
        var limit = For(http.Request.Path);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            feature.MaxRequestBodySize = limit;
        if (http.Request.ContentLength is { } length && length > limit)
        {
            http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await http
                .RequestServices.GetRequiredService<IProblemDetailsService>()
                .WriteAsync(
                    new ProblemDetailsContext
                    {
                        HttpContext = http,
                        ProblemDetails = new ProblemDetails
                        {
                            Status = 413,
                            Title = "请求内容过大",
                            Detail = $"请求内容为 {Size(length)}，超过该接口允许的 {Size(limit)}。",
                        },
                    }
                );
            return;
        }
        await next();
    }

    private static string Size(long bytes) =>
        bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.#} GB"
        : bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.#} MB"
        : $"{bytes / 1024.0:0.#} KB";
}
