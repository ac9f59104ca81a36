using System.Diagnostics;
using System.Text.RegularExpressions;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Subsidy.ServiceDefaults.Telemetry;

/// <summary>
/// Resident ID numbers must never leave a service in logs or traces. Code does not log them on purpose;
/// this is the net under that rule, for values that slip into an exception message or a tag.
/// </summary>
public static partial class IdNumberRedaction
{
    [GeneratedRegex(@"(?<![0-9])([1-9][0-9]{5})(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9Xx])")]
    private static partial Regex IdNumberPattern();

    public static bool ContainsIdNumber(string? text) => text is not null && IdNumberPattern().IsMatch(text);

    /// <summary>Keeps the area code (not personal) and hides birth date, sequence and check character.</summary>
    public static string Redact(string text) =>
        IdNumberPattern().Replace(text, m => m.Groups[1].Value + "************");
}

public sealed class IdNumberActivityRedactor : BaseProcessor<Activity>
{
    public override void OnEnd(Activity activity)
    {
        List<KeyValuePair<string, string>>? changed = null;
        foreach (var tag in activity.Tags)
        {
            if (IdNumberRedaction.ContainsIdNumber(tag.Value))
            {
                (changed ??= []).Add(new(tag.Key, IdNumberRedaction.Redact(tag.Value!)));
            }
        }
        if (changed is not null)
        {
            foreach (var (key, value) in changed) activity.SetTag(key, value);
        }
        if (IdNumberRedaction.ContainsIdNumber(activity.DisplayName))
        {
            activity.DisplayName = IdNumberRedaction.Redact(activity.DisplayName);
        }
    }
}

public sealed class IdNumberLogRedactor : BaseProcessor<LogRecord>
{
    public override void OnEnd(LogRecord data)
    {
        if (IdNumberRedaction.ContainsIdNumber(data.FormattedMessage)) data.FormattedMessage = IdNumberRedaction.Redact(data.FormattedMessage!);
        if (IdNumberRedaction.ContainsIdNumber(data.Body)) data.Body = IdNumberRedaction.Redact(data.Body!);
        if (data.Attributes is { Count: > 0 } attributes && attributes.Any(a => a.Value is string s && IdNumberRedaction.ContainsIdNumber(s)))
        {
            data.Attributes = attributes
                .Select(a => a.Value is string s && IdNumberRedaction.ContainsIdNumber(s)
                    ? new KeyValuePair<string, object?>(a.Key, IdNumberRedaction.Redact(s))
                    : a)
                .ToList();
        }
    }
}
