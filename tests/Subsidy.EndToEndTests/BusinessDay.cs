namespace Subsidy.EndToEndTests;

/// <summary>The tests' "today" is the system's: the date in China Standard Time
/// (docs/design/01-purpose-and-reference-data.md), not the machine's UTC date.</summary>
public static class BusinessDay
{
    public static DateOnly Today =>
        DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);
}
