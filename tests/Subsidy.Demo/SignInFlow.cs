using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OtpNet;

namespace Subsidy.Demo;

public sealed record TokenSet(
    string AccessToken,
    string? RefreshToken,
    string? IdToken,
    int ExpiresIn
);

/// <summary>
/// Signs a person in as a browser would, through the gateway: the portal's authorization request
/// with PKCE, the sign-in page's forms (password, then as the account needs: authenticator code, a
/// new password, authenticator enrolment), the redirect back with the code, and the code exchanged
/// for tokens. Used by the demo and the end-to-end tests.
/// </summary>
public sealed partial class SignInFlow(
    Uri gateway,
    string clientId = "portal",
    string? redirectUri = null
)
{
    public const string Scopes = "openid profile offline_access";
    public string RedirectUri { get; } = redirectUri ?? new Uri(gateway, "signin-oidc").ToString();

    /// <summary>The new password to choose when the account must change its password (first
    /// sign-in).</summary>
    public Func<string>? NewPassword { get; init; }

    /// <summary>The authenticator code to enter for a key (base32), when asked for one; by default
    /// the current one.</summary>
    public Func<string, string> Code { get; init; } = key => CodeAt(key, DateTime.UtcNow);

    /// <summary>The authenticator key shown on the enrolment page, when the flow enrolled
    /// one.</summary>
    public string? EnrolledKey { get; private set; }
    public IReadOnlyList<string> RecoveryCodes { get; private set; } = [];

    /// <summary>The browser of the sign-in, holding the identity service's session cookie (for
    /// sign-out).</summary>
    private HttpClient? _browser;

    /// <summary>Pages the flow went through (paths), for tests to assert on.</summary>
    public List<string> Visited { get; } = [];

    public static string CodeAt(string key, DateTime utc) =>
        new Totp(
            Base32Encoding.ToBytes(key.Replace(" ", "", StringComparison.Ordinal))
        ).ComputeTotp(utc);

    public async Task<TokenSet> SignInAsync(
        string userName,
        string password,
        string? totpKey = null,
        CancellationToken cancellationToken = default
    )
    {
        var browser = _browser ??= Browser();
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var state = Base64Url(RandomNumberGenerator.GetBytes(16));
        var authorize =
            "/connect/authorize?"
            + string.Join(
                '&',
                new Dictionary<string, string>
                {
                    ["client_id"] = clientId,
                    ["response_type"] = "code",
                    ["redirect_uri"] = RedirectUri,
                    ["scope"] = Scopes,
                    ["state"] = state,
                    ["code_challenge"] = Base64Url(
                        SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier))
                    ),
                    ["code_challenge_method"] = "S256",
                }.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")
            );
        var response = await browser.GetAsync(authorize, cancellationToken);
        var passwordSent = false;
        for (var step = 0; step < 12; step++)
        {
            if (
                response.StatusCode
                is HttpStatusCode.Redirect
                    or HttpStatusCode.Found
                    or HttpStatusCode.SeeOther
            )
            {
                var location = response.Headers.Location!;
                var absolute = location.IsAbsoluteUri ? location : new Uri(gateway, location);
                if (absolute.ToString().StartsWith(RedirectUri, StringComparison.Ordinal))
                {
                    var query = absolute
                        .Query.TrimStart('?')
                        .Split('&', StringSplitOptions.RemoveEmptyEntries)
                        .Select(p => p.Split('=', 2))
                        .ToDictionary(
                            p => p[0],
                            p =>
                                Uri.UnescapeDataString((p.Length > 1 ? p[1] : "").Replace('+', ' '))
                        );
                    if (query.TryGetValue("error", out var error))
                        throw new SignInRefusedException(
                            $"{error}: {query.GetValueOrDefault("error_description")}",
                            null
                        );
                    if (query.GetValueOrDefault("state") != state)
                        throw new InvalidOperationException("state 不一致");
                    return await RedeemAsync(query["code"], verifier, cancellationToken);
                }
                response = await browser.GetAsync(absolute.PathAndQuery, cancellationToken);
                continue;
            }
            var path = response.RequestMessage!.RequestUri!.AbsolutePath;
            Visited.Add(path);
            var page = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode && path != "/account/login")
                throw new SignInRefusedException($"{(int)response.StatusCode} {path}", page);
            if (RecoveryCodeList().Match(page) is { Success: true } list)
            {
                response = await ContinueAsync(browser, page, list, cancellationToken);
                continue;
            }
            response = path switch
            {
                "/account/login" when !passwordSent && (passwordSent = true) => await PostAsync(
                    browser,
                    path,
                    page,
                    new() { ["userName"] = userName, ["password"] = password },
                    cancellationToken
                ),
                "/account/login" => throw new SignInRefusedException(
                    ErrorOf(page) ?? "登录失败",
                    page
                ),
                "/account/two-factor" => await PostAsync(
                    browser,
                    path,
                    page,
                    new()
                    {
                        ["code"] = Code(
                            totpKey ?? throw new SignInRefusedException("需要验证码", page)
                        ),
                    },
                    cancellationToken
                ),
                "/account/change-password" => await ChangePasswordAsync(
                    browser,
                    path,
                    page,
                    cancellationToken
                ),
                "/account/two-factor-setup" => await EnrolAsync(
                    browser,
                    path,
                    page,
                    cancellationToken
                ),
                _ => throw new SignInRefusedException($"意外的页面 {path}", page),
            };
        }
        throw new InvalidOperationException("登录步骤过多");
    }

    private async Task<HttpResponseMessage> ChangePasswordAsync(
        HttpClient browser,
        string path,
        string page,
        CancellationToken cancellationToken
    )
    {
        var password = (NewPassword ?? throw new SignInRefusedException("需要设置新密码", page))();
        return await PostAsync(
            browser,
            path,
            page,
            new() { ["newPassword"] = password, ["confirmPassword"] = password },
            cancellationToken
        );
    }

    private async Task<HttpResponseMessage> EnrolAsync(
        HttpClient browser,
        string path,
        string page,
        CancellationToken cancellationToken
    )
    {
        EnrolledKey = WebUtility
            .HtmlDecode(KeyOnPage().Match(page).Groups[1].Value)
            .Replace(" ", "", StringComparison.Ordinal);
        return await PostAsync(
            browser,
            path,
            page,
            new() { ["code"] = Code(EnrolledKey) },
            cancellationToken
        );
    }

    private async Task<HttpResponseMessage> ContinueAsync(
        HttpClient browser,
        string page,
        Match list,
        CancellationToken cancellationToken
    )
    {
        RecoveryCodes = ListItem()
            .Matches(list.Groups[1].Value)
            .Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))
            .ToList();
        var next = WebUtility.HtmlDecode(ContinueLink().Match(page).Groups[1].Value);
        return await browser.GetAsync(next, cancellationToken);
    }

    private async Task<TokenSet> RedeemAsync(
        string code,
        string verifier,
        CancellationToken cancellationToken
    )
    {
        using var client = new HttpClient { BaseAddress = gateway };
        var response = await client.PostAsync(
            "/connect/token",
            new FormUrlEncodedContent(
                new Dictionary<string, string>
                {
                    ["grant_type"] = "authorization_code",
                    ["code"] = code,
                    ["redirect_uri"] = RedirectUri,
                    ["client_id"] = clientId,
                    ["code_verifier"] = verifier,
                }
            ),
            cancellationToken
        );
        return await TokensAsync(response, cancellationToken);
    }

    /// <summary>Signs out at the identity service in the browser that signed in; answers where it
    /// was sent back to.</summary>
    public async Task<Uri?> SignOutAsync(
        string idToken,
        string postLogoutRedirectUri,
        CancellationToken cancellationToken = default
    )
    {
        var browser = _browser ?? throw new InvalidOperationException("尚未登录");
        var response = await browser.GetAsync(
            $"/connect/logout?id_token_hint={Uri.EscapeDataString(idToken)}&post_logout_redirect_uri={Uri.EscapeDataString(postLogoutRedirectUri)}",
            cancellationToken
        );
        return response.Headers.Location;
    }

    /// <summary>A refresh token exchanged for new tokens (and, tokens rotating, a new refresh
    /// token).</summary>
    public async Task<TokenSet> RefreshAsync(
        string refreshToken,
        CancellationToken cancellationToken = default
    )
    {
        using var client = new HttpClient { BaseAddress = gateway };
        var response = await client.PostAsync(
            "/connect/token",
            new FormUrlEncodedContent(
                new Dictionary<string, string>
                {
                    ["grant_type"] = "refresh_token",
                    ["refresh_token"] = refreshToken,
                    ["client_id"] = clientId,
                }
            ),
            cancellationToken
        );
        return await TokensAsync(response, cancellationToken);
    }

    public static async Task<TokenSet> TokensAsync(
        HttpResponseMessage response,
        CancellationToken cancellationToken
    )
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new SignInRefusedException($"令牌请求被拒绝 {(int)response.StatusCode}", body);
        var json = JsonNode.Parse(body)!;
        return new TokenSet(
            json["access_token"]!.GetValue<string>(),
            json["refresh_token"]?.GetValue<string>(),
            json["id_token"]?.GetValue<string>(),
            json["expires_in"]!.GetValue<int>()
        );
    }

    /// <summary>A cookie-keeping client that does not follow redirects, so each step is
    /// seen.</summary>
    public HttpClient Browser() =>
        new(
            new HttpClientHandler
            {
                AllowAutoRedirect = false,
                CookieContainer = new CookieContainer(),
                UseCookies = true,
            }
        )
        {
            BaseAddress = gateway,
        };

    public static async Task<HttpResponseMessage> PostAsync(
        HttpClient browser,
        string path,
        string page,
        Dictionary<string, string> fields,
        CancellationToken cancellationToken = default
    )
    {
        foreach (Match hidden in HiddenField().Matches(page))
            fields.TryAdd(
                WebUtility.HtmlDecode(hidden.Groups[1].Value),
                WebUtility.HtmlDecode(hidden.Groups[2].Value)
            );
        return await browser.PostAsync(path, new FormUrlEncodedContent(fields), cancellationToken);
    }

    public static string? ErrorOf(string page) =>
        ErrorBox().Match(page) is { Success: true } m
            ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : null;

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("""<input type="hidden" name="([^"]+)" value="([^"]*)">""")]
    private static partial Regex HiddenField();

    [GeneratedRegex("""<code id="key">([^<]+)</code>""")]
    private static partial Regex KeyOnPage();

    [GeneratedRegex(
        """<ul class="codes" id="recovery-codes">(.*?)</ul>""",
        RegexOptions.Singleline
    )]
    private static partial Regex RecoveryCodeList();

    [GeneratedRegex("<li>([^<]+)</li>")]
    private static partial Regex ListItem();

    [GeneratedRegex("""<a href="([^"]+)">我已保存，继续</a>""")]
    private static partial Regex ContinueLink();

    [GeneratedRegex("""<div class="error" role="alert">([^<]+)</div>""")]
    private static partial Regex ErrorBox();
}

public sealed class SignInRefusedException(string message, string? page)
    : Exception(
        message
            + (
                page is null
                    ? ""
                    : " — " + (SignInFlow.ErrorOf(page) ?? page[..Math.Min(page.Length, 300)])
            )
    )
{
    public string? Page { get; } = page;
}
