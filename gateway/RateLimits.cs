namespace Gateway;

/// <summary>
/// Each signed-in user has a budget of requests per minute (anonymous callers one per address). The budget is set per
/// role (RateLimits:Roles:{role}), since a county centre working through its county's villages does many times a clerk's
/// work; a role not listed has RateLimits:PermitsPerMinute. No one's budget is lifted to let anyone else through.
/// </summary>
public sealed class RateLimits(IConfiguration configuration)
{
    public int Default { get; } = configuration.GetValue("RateLimits:PermitsPerMinute", 600);

    private readonly IReadOnlyDictionary<string, int> _roles = configuration.GetSection("RateLimits:Roles").GetChildren()
        .Where(c => int.TryParse(c.Value, out _)).ToDictionary(c => c.Key, c => int.Parse(c.Value!, System.Globalization.CultureInfo.InvariantCulture));

    public int For(string? role) => role is not null && _roles.TryGetValue(role, out var permits) ? permits : Default;
}
