using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;

namespace Portal.SignIn;

public sealed record UserSession(string AccessToken, DateTimeOffset ExpiresAt, DateOnly? BusinessDate);

/// <summary>
/// The access tokens of the signed-in users, kept on the server by session id: a circuit calls the gateway with its
/// user's token, and the browser never sees it. The token also rides in the encrypted sign-in cookie, so a restarted
/// portal takes it up again from the user's next request.
/// </summary>
public sealed class UserSessions
{
    private readonly ConcurrentDictionary<string, UserSession> _sessions = new();

    public void Put(string sessionId, UserSession session)
    {
        _sessions[sessionId] = session;
        foreach (var (id, old) in _sessions)
        {
            if (old.ExpiresAt < DateTimeOffset.UtcNow) _sessions.TryRemove(id, out _);
        }
    }

    public UserSession? Find(string sessionId) =>
        _sessions.TryGetValue(sessionId, out var session) && session.ExpiresAt > DateTimeOffset.UtcNow ? session : null;

    public void Remove(string sessionId) => _sessions.TryRemove(sessionId, out _);
}

public static class UserSessionMiddleware
{
    /// <summary>Takes a signed-in user's token from their cookie into the server's sessions when the sessions lack it.</summary>
    public static IApplicationBuilder UseUserSessions(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (PortalUser.From(context.User) is { SessionId.Length: > 0 } user)
        {
            var sessions = context.RequestServices.GetRequiredService<UserSessions>();
            if (sessions.Find(user.SessionId) is null && await context.GetTokenAsync("access_token") is { Length: > 0 } token)
            {
                var expires = DateTimeOffset.TryParse(await context.GetTokenAsync("expires_at"), System.Globalization.CultureInfo.InvariantCulture, out var at) ? at : DateTimeOffset.UtcNow.AddHours(1);
                DateOnly? businessDate = DateOnly.TryParse(context.User.FindFirst(PortalUser.BusinessDateClaim)?.Value, System.Globalization.CultureInfo.InvariantCulture, out var date) ? date : null;
                sessions.Put(user.SessionId, new UserSession(token, expires, businessDate));
            }
        }
        await next(context);
    });
}
