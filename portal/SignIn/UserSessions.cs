using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Portal.SignIn;

/// <summary>A signed-in user's tokens; <see cref="RefreshToken"/> only when signed in at the
/// identity service.</summary>
public sealed record UserSession(
    string AccessToken,
    DateTimeOffset ExpiresAt,
    DateOnly? BusinessDate,
    string? RefreshToken = null
);

/// <summary>
/// The access tokens of the signed-in users, kept on the server by session id: a circuit calls the
/// gateway with its user's token, and the browser never sees it. The token also rides in the
/// encrypted sign-in cookie, so a restarted portal takes it up again from the user's next request.
/// An access token lives minutes (docs/design/08-access-and-roles.md); shortly before it ends the
/// session's refresh token gets a new pair from the identity service, one renewal at a time per
/// session because the identity service rotates refresh tokens (a refresh token used twice is
/// refused).
/// </summary>
public sealed class UserSessions(IServiceProvider services, ILogger<UserSessions> logger)
{
    /// <summary>Renewed this long before the access token ends, so no call goes out with a token
    /// about to lapse.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, UserSession> _sessions = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _renewing = new();

    public void Put(string sessionId, UserSession session)
    {
        _sessions[sessionId] = session;
        foreach (var (id, old) in _sessions)
        {
            // A session that can be renewed lasts as long as the sign-in cookie (8 hours) at most.
            if (
                old.ExpiresAt
                < DateTimeOffset.UtcNow
                    - (old.RefreshToken is null ? TimeSpan.Zero : TimeSpan.FromHours(8))
            )
                Remove(id);
        }
    }

    public UserSession? Find(string sessionId) =>
        _sessions.TryGetValue(sessionId, out var session)
        && session.ExpiresAt > DateTimeOffset.UtcNow
            ? session
            : null;

    /// <summary>The session with an access token good for a while yet, renewed with its refresh
    /// token when needed; null when the user must sign in again.</summary>
    public async Task<UserSession?> FindAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(sessionId, out var session))
            return null;
        if (session.ExpiresAt - Margin > DateTimeOffset.UtcNow)
            return session;
        if (session.RefreshToken is null)
            return Find(sessionId);
        var gate = _renewing.GetOrAdd(sessionId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Another call may have renewed it while this one waited.
            if (
                _sessions.TryGetValue(sessionId, out var current)
                && current.ExpiresAt - Margin > DateTimeOffset.UtcNow
            )
                return current;
            var renewed = await RenewAsync(session, cancellationToken);
            if (renewed is null)
            {
                Remove(sessionId);
                return null;
            }
            _sessions[sessionId] = renewed;
            return renewed;
        }
        finally
        {
            gate.Release();
        }
    }

    public bool Has(string sessionId) => _sessions.ContainsKey(sessionId);

    public void Remove(string sessionId)
    {
        _sessions.TryRemove(sessionId, out _);
        _renewing.TryRemove(sessionId, out _);
    }

    private async Task<UserSession?> RenewAsync(
        UserSession session,
        CancellationToken cancellationToken
    )
    {
        var options = services
            .GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>()
            .Get(SignInExtensions.OidcScheme);
        if (options.ConfigurationManager is null)
            return null;
        var configuration = await options.ConfigurationManager.GetConfigurationAsync(
            cancellationToken
        );
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = session.RefreshToken!,
            ["client_id"] = options.ClientId!,
        };
        if (!string.IsNullOrEmpty(options.ClientSecret))
            form["client_secret"] = options.ClientSecret;
        using var response = await options.Backchannel.PostAsync(
            configuration.TokenEndpoint,
            new FormUrlEncodedContent(form),
            cancellationToken
        );
        if (!response.IsSuccessStatusCode)
        {
            // Disabled, reset or signed out elsewhere: the user signs in again.
            LogRenewalRefused(logger, (int)response.StatusCode);
            return null;
        }
        using var answer = JsonDocument.Parse(
            await response.Content.ReadAsStringAsync(cancellationToken)
        );
        var root = answer.RootElement;
        var lifetime = root.TryGetProperty("expires_in", out var seconds)
            ? seconds.GetInt32()
            : 300;
        return session with
        {
            AccessToken = root.GetProperty("access_token").GetString()!,
            ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(lifetime),
            RefreshToken = root.TryGetProperty("refresh_token", out var refresh)
                ? refresh.GetString()
                : session.RefreshToken,
        };
    }

    private static void LogRenewalRefused(ILogger logger, int status) =>
        logger.LogInformation("门户续期访问令牌被拒绝（{Status}），用户须重新登录。", status);
}

public static class UserSessionMiddleware
{
    /// <summary>Takes a signed-in user's token from their cookie into the server's sessions when
    /// the sessions lack it.</summary>
    public static IApplicationBuilder UseUserSessions(this IApplicationBuilder app) =>
        app.Use(
            async (context, next) =>
            {
                if (PortalUser.From(context.User) is { SessionId.Length: > 0 } user)
                {
                    var sessions = context.RequestServices.GetRequiredService<UserSessions>();
                    if (
                        sessions.Find(user.SessionId) is null
                        && await context.GetTokenAsync("access_token") is { Length: > 0 } token
                    )
                    {
                        var expires = DateTimeOffset.TryParse(
                            await context.GetTokenAsync("expires_at"),
                            CultureInfo.InvariantCulture,
                            out var at
                        )
                            ? at
                            : DateTimeOffset.UtcNow.AddHours(1);
                        DateOnly? businessDate = DateOnly.TryParse(
                            context.User.FindFirst(PortalUser.BusinessDateClaim)?.Value,
                            CultureInfo.InvariantCulture,
                            out var date
                        )
                            ? date
                            : null;
                        // Only when the server has no session of its own: its refresh token may
                        // have been rotated since the cookie was written.
                        if (!sessions.Has(user.SessionId))
                            sessions.Put(
                                user.SessionId,
                                new UserSession(
                                    token,
                                    expires,
                                    businessDate,
                                    await context.GetTokenAsync("refresh_token")
                                )
                            );
                    }
                }
                await next(context);
            }
        );
}
