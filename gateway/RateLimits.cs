using System.Security.Claims;
using Subsidy.ServiceDefaults.Auth;

namespace Gateway;

/// <summary>Whose budget a request draws on, how large it is, and how the refusal names
/// it.</summary>
public sealed record RateBudget(string Key, int PermitsPerMinute, string Whose);

/// <summary>
/// Each signed-in user has a budget of requests per minute, set per role (RateLimits:Roles:{role}),
/// since a county centre working through its county's villages does many times a clerk's work; a
/// role not listed has RateLimits:PermitsPerMinute. Callers without a token share one budget per
/// address: the sign-in pages (RateLimits:SignInPerAddress, an office of a few hundred people
/// behind one address signing in at the start of the day, each sign-in some eight requests;
/// guessing passwords is stopped by the lockout, not by this) and everything else
/// (RateLimits:PermitsPerMinute). No one's budget is lifted to let anyone else through.
/// </summary>
public sealed class RateLimits(IConfiguration configuration)
{
    public int Default { get; } = configuration.GetValue("RateLimits:PermitsPerMinute", 600);

    public int SignInPerAddress { get; } =
        configuration.GetValue("RateLimits:SignInPerAddress", 3000);

    private readonly IReadOnlyDictionary<string, int> _roles = configuration
        .GetSection("RateLimits:Roles")
        .GetChildren()
        .Where(c => int.TryParse(c.Value, out _))
        .ToDictionary(
            c => c.Key,
            c => int.Parse(c.Value!, System.Globalization.CultureInfo.InvariantCulture)
        );

    public int For(string? role) =>
        role is not null && _roles.TryGetValue(role, out var permits) ? permits : Default;

    public RateBudget BudgetOf(ClaimsPrincipal user, PathString path, string? address)
    {
        if (user.FindFirstValue(Caller.SubjectClaim) is { } subject)
            return new("user:" + subject, For(user.FindFirstValue(Caller.RoleClaim)), "您的账号");
        var from = address ?? "unknown";
        return IsSignIn(path)
            ? new("sign-in:" + from, SignInPerAddress, "本地址的登录请求")
            : new("address:" + from, Default, "本地址");
    }

    private static bool IsSignIn(PathString path) =>
        path.StartsWithSegments("/connect")
        || path.StartsWithSegments("/account")
        || path.StartsWithSegments("/signin-oidc");
}
