using System.Net;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Portal.SignIn;

namespace Portal.Gateway;

/// <summary>
/// Files pass through the portal: the browser holds only the portal's cookie, so downloads,
/// previews and uploads go to these endpoints, which call the gateway with the user's own token and
/// stream the bytes through.
/// </summary>
public static class FileEndpoints
{
    /// <summary>Uploads come from the portal's own pages, which send this header; a form on another
    /// site cannot.</summary>
    public const string UploadHeader = "X-Portal-Upload";

    public static IEndpointRouteBuilder MapFileEndpoints(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/files");
        files.MapGet(
            "/documents/{id:guid}",
            (
                Guid id,
                bool? inline,
                string? purpose,
                HttpContext http,
                IHttpClientFactory clients,
                UserSessions sessions
            ) =>
                DownloadAsync(
                    purpose is null
                        ? $"/api/documents/{id}"
                        : $"/api/documents/{id}?purpose={Uri.EscapeDataString(purpose)}",
                    inline == true,
                    http,
                    clients,
                    sessions
                )
        );
        files.MapGet(
            "/batches/{id:guid}/errors.{format:regex(^(csv|xlsx)$)}",
            (
                Guid id,
                string format,
                HttpContext http,
                IHttpClientFactory clients,
                UserSessions sessions
            ) =>
                DownloadAsync(
                    $"/api/imports/batches/{id}/errors.{format}",
                    false,
                    http,
                    clients,
                    sessions
                )
        );
        // A resident's 告知书: the member key (or an ID number) travels in the form's body, never in an address (logs and
        // proxies keep those). Printing changes nothing and the answer goes only to the browser
        // that asked (the cookie is SameSite=Lax): no antiforgery token is needed, as for the
        // downloads above.
        files
            .MapPost(
                "/statements/{village:regex(^\\d{{12}}$)}/{year:int}",
                (
                    [FromForm] string? idNumber,
                    [FromForm] string? memberKey,
                    string village,
                    int year,
                    HttpContext http,
                    IHttpClientFactory clients,
                    UserSessions sessions
                ) =>
                    DownloadAsync(
                        $"/api/documents/statements/{village}/{year}",
                        false,
                        http,
                        clients,
                        sessions,
                        HttpMethod.Post,
                        JsonContent.Create(new { idNumber, memberKey })
                    )
            )
            .DisableAntiforgery();
        files
            .MapPost(
                "/imports/contributions",
                (
                    string? scope,
                    int? year,
                    HttpContext http,
                    IHttpClientFactory clients,
                    UserSessions sessions
                ) =>
                    UploadAsync(
                        $"/api/imports/contributions?scope={Uri.EscapeDataString(scope ?? "")}&year={year}",
                        http,
                        clients,
                        sessions
                    )
            )
            .DisableAntiforgery()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(2L << 30));
        files
            .MapPost(
                "/imports/rosters",
                (
                    string? village,
                    int? year,
                    HttpContext http,
                    IHttpClientFactory clients,
                    UserSessions sessions
                ) =>
                    UploadAsync(
                        $"/api/imports/rosters?village={Uri.EscapeDataString(village ?? "")}&year={year}",
                        http,
                        clients,
                        sessions
                    )
            )
            .DisableAntiforgery()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(64L << 20));
        return app;
    }

    private static async Task DownloadAsync(
        string path,
        bool inline,
        HttpContext http,
        IHttpClientFactory clients,
        UserSessions sessions,
        HttpMethod? method = null,
        HttpContent? body = null
    )
    {
        if (await SessionOf(http, sessions) is not { } session)
        {
            await RefuseAsync(http, HttpStatusCode.Unauthorized, "登录已过期，请重新登录。");
            return;
        }
        using var request = GatewayApi.Request(method ?? HttpMethod.Get, path, session);
        request.Content = body;
        using var response = await clients
            .CreateClient(GatewayApi.ClientName)
            .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, http.RequestAborted);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await GatewayApi.ReadProblemAsync(response, http.RequestAborted);
            await RefuseAsync(
                http,
                response.StatusCode,
                problem.Detail ?? problem.Title ?? "文件暂时无法下载。"
            );
            return;
        }
        http.Response.ContentType = response.Content.Headers.ContentType?.ToString()
            ?? "application/octet-stream";
        var fileName = response.Content.Headers.ContentDisposition?.FileNameStar
            ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"')
            ?? "download";
        var disposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment");
        disposition.SetHttpFileName(fileName);
        http.Response.Headers.ContentDisposition = disposition.ToString();
        if (response.Content.Headers.ContentLength is { } length)
            http.Response.ContentLength = length;
        await response.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
    }

    /// <summary>The file of a multipart upload streams on to the gateway as the request body; the
    /// batch comes back as the gateway answered it.</summary>
    private static async Task UploadAsync(
        string path,
        HttpContext http,
        IHttpClientFactory clients,
        UserSessions sessions
    )
    {
        if (!http.Request.Headers.ContainsKey(UploadHeader))
        {
            await RefuseAsync(http, HttpStatusCode.BadRequest, "上传须从门户页面发起。");
            return;
        }
        if (await SessionOf(http, sessions) is not { } session)
        {
            await RefuseAsync(http, HttpStatusCode.Unauthorized, "登录已过期，请重新登录。");
            return;
        }
        var boundary = MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type)
            ? HeaderUtilities.RemoveQuotes(type.Boundary).Value
            : null;
        if (string.IsNullOrEmpty(boundary))
        {
            await RefuseAsync(http, HttpStatusCode.BadRequest, "请选择要上传的文件。");
            return;
        }
        var reader = new MultipartReader(boundary, http.Request.Body);
        while (await reader.ReadNextSectionAsync(http.RequestAborted) is { } section)
        {
            if (
                !ContentDispositionHeaderValue.TryParse(
                    section.ContentDisposition,
                    out var disposition
                ) || !disposition.IsFileDisposition()
            )
                continue;
            var fileName = disposition.FileNameStar.HasValue
                ? disposition.FileNameStar.Value
                : disposition.FileName.Value?.Trim('"');
            using var request = GatewayApi.Request(
                HttpMethod.Post,
                path + $"&fileName={Uri.EscapeDataString(fileName ?? "upload")}",
                session
            );
            request.Content = new StreamContent(section.Body, 1 << 16);
            using var response = await clients
                .CreateClient(GatewayApi.ClientName)
                .SendAsync(request, http.RequestAborted);
            http.Response.StatusCode = (int)response.StatusCode;
            http.Response.ContentType = response.Content.Headers.ContentType?.ToString()
                ?? "application/json";
            await response.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
            return;
        }
        await RefuseAsync(http, HttpStatusCode.BadRequest, "请选择要上传的文件。");
    }

    private static async Task<UserSession?> SessionOf(HttpContext http, UserSessions sessions) =>
        PortalUser.From(http.User) is { } user
            ? await sessions.FindAsync(user.SessionId, http.RequestAborted)
            : null;

    private static Task RefuseAsync(HttpContext http, HttpStatusCode status, string reason)
    {
        http.Response.StatusCode = (int)status;
        return http.Response.WriteAsJsonAsync(
            new
            {
                title = "无法办理",
                status = (int)status,
                detail = reason,
            }
        );
    }
}
