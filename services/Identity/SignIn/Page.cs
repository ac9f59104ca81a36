using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace Identity.SignIn;

/// <summary>The sign-in pages' HTML: one plain form per step, in Chinese, no script, working in any
/// browser.</summary>
public static class Page
{
    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    public static IResult Render(string title, string body, int status = StatusCodes.Status200OK) =>
        Results.Content(
            $$"""
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{E(title)}} · 城乡居民基本养老保险集体补助系统</title>
            <style>
              body { margin: 0; background: #f0f2f5; font-family: -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color: rgba(0,0,0,.88); }
              main { max-width: 400px; margin: 8vh auto; background: #fff; border-radius: 8px; padding: 32px 40px; box-shadow: 0 6px 16px rgba(0,0,0,.08); }
              h1 { font-size: 20px; margin: 0 0 4px; } .system { color: rgba(0,0,0,.45); font-size: 14px; margin-bottom: 24px; }
              label { display: block; margin: 16px 0 4px; font-size: 14px; }
              input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: 8px 11px; border: 1px solid #d9d9d9; border-radius: 6px; font-size: 16px; }
              button { width: 100%; margin-top: 24px; padding: 9px; background: #1677ff; color: #fff; border: 0; border-radius: 6px; font-size: 16px; cursor: pointer; }
              .error { background: #fff2f0; border: 1px solid #ffccc7; padding: 8px 12px; border-radius: 6px; margin: 12px 0; font-size: 14px; }
              .hint { color: rgba(0,0,0,.45); font-size: 13px; } code { font-size: 15px; background: #f5f5f5; padding: 2px 6px; border-radius: 4px; word-break: break-all; }
              ul.codes { columns: 2; font-family: monospace; font-size: 15px; }
            </style>
            </head>
            <body><main>
            <h1>{{E(title)}}</h1>
            <div class="system">城乡居民基本养老保险集体补助系统</div>
            {{body}}
            </main></body>
            </html>
            """,
            "text/html; charset=utf-8",
            Encoding.UTF8,
            status
        );

    public static string Error(string? message) =>
        string.IsNullOrEmpty(message)
            ? ""
            : $"""<div class="error" role="alert">{E(message)}</div>""";

    /// <summary>A form posting to <paramref name="action"/> with the anti-forgery token and the
    /// return address.</summary>
    public static string Form(
        HttpContext http,
        IAntiforgery antiforgery,
        string action,
        string returnUrl,
        string fields,
        string button
    )
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return $"""
            <form method="post" action="{E(action)}">
            <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
            <input type="hidden" name="returnUrl" value="{E(returnUrl)}">
            {fields}
            <button type="submit">{E(button)}</button>
            </form>
            """;
    }
}
