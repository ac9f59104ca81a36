using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Subsidy.ServiceDefaults.Auth;

namespace Subsidy.ServiceDefaults.Time;

/// <summary>
/// The one clock of every rule (docs/design/01-purpose-and-reference-data.md): the business day is
/// the date in China Standard Time (UTC+8, no daylight saving), whatever the server's zone —
/// deadlines, the 31 December change window, notice dates, document dates, due dates. A step taken
/// at 00:30 Beijing time on 1 October is on 1 October. In the Development and Testing environments
/// only, a request may name its business date (<c>yyyy-MM-dd</c>) or its instant (ISO 8601 with
/// offset, <c>2025-10-01T00:30:00+08:00</c>) in the X-Business-Date header, so boundary days and
/// hours can be exercised through the real API; elsewhere the header is ignored.
/// </summary>
public sealed class BusinessClock(
    TimeProvider time,
    IHttpContextAccessor http,
    IHostEnvironment environment
)
{
    public const string HeaderName = "X-Business-Date";
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);
    private readonly bool _overridable = IsOverridableIn(environment);

    /// <summary>The demo (Development) and the automated tests (Testing) act on other days;
    /// Production never.</summary>
    public static bool IsOverridableIn(IHostEnvironment environment) =>
        environment.IsDevelopment() || environment.IsEnvironment(DevTokenIssuer.TestingEnvironment);

    /// <summary>Now, in China Standard Time.</summary>
    public DateTimeOffset Now
    {
        get
        {
            var now = time.GetUtcNow().ToOffset(ChinaOffset);
            if (
                !_overridable
                || http.HttpContext?.Request.Headers[HeaderName] is not { Count: > 0 } values
            )
                return now;
            if (
                DateOnly.TryParseExact(
                    values[0],
                    "yyyy-MM-dd",
                    CultureInfo.InvariantCulture,
                    DateTimeStyles.None,
                    out var date
                )
            )
            {
                return new DateTimeOffset(
                    date.ToDateTime(TimeOnly.FromTimeSpan(now.TimeOfDay)),
                    ChinaOffset
                );
            }
            return DateTimeOffset.TryParse(
                values[0],
                CultureInfo.InvariantCulture,
                DateTimeStyles.None,
                out var instant
            )
                ? instant.ToOffset(ChinaOffset)
                : now;
        }
    }

    /// <summary>Today's business date.</summary>
    public DateOnly Today => DateOf(Now);

    /// <summary>The business date of an instant: its date in China Standard Time.</summary>
    public static DateOnly DateOf(DateTimeOffset instant) =>
        DateOnly.FromDateTime(instant.ToOffset(ChinaOffset).DateTime);
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
