using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Subsidy.ServiceDefaults.Auth;

namespace Subsidy.ServiceDefaults.Time;

/// <summary>
/// Today's date where the business happens (China, UTC+8, no daylight saving). Rules that turn on a date
/// (the 31 December change window, deadlines) ask this clock. In the Development and Testing environments only,
/// a request may name its business date in the X-Business-Date header (yyyy-MM-dd), so the boundary days can
/// be exercised through the real API; elsewhere the header is ignored.
/// </summary>
public sealed class BusinessClock(TimeProvider time, IHttpContextAccessor http, IHostEnvironment environment)
{
    public const string HeaderName = "X-Business-Date";
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);
    private readonly bool _overridable = IsOverridableIn(environment);

    /// <summary>The demo (Development) and the automated tests (Testing) act on other days; Production never.</summary>
    public static bool IsOverridableIn(IHostEnvironment environment) =>
        environment.IsDevelopment() || environment.IsEnvironment(DevTokenIssuer.TestingEnvironment);

    public DateOnly Today
    {
        get
        {
            if (_overridable
                && http.HttpContext?.Request.Headers[HeaderName] is { Count: > 0 } values
                && DateOnly.TryParseExact(values[0], "yyyy-MM-dd", out var simulated))
            {
                return simulated;
            }
            return DateOnly.FromDateTime(time.GetUtcNow().ToOffset(ChinaOffset).DateTime);
        }
    }
}

public static class BusinessClockExtensions
{
    public static IServiceCollection AddBusinessClock(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<BusinessClock>();
        return services;
    }
}
