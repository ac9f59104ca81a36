using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Subsidy.ServiceDefaults.Telemetry;

/// <summary>
/// Resident ID numbers must never leave a service in logs or traces. Code does not log them on
/// purpose; this is the net under that rule, for values that slip into an exception message or a
/// tag.
/// </summary>
public static partial class IdNumberRedaction
{
    [GeneratedRegex(
        @"(?<![0-9])([1-9][0-9]{5})(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9Xx])"
    )]
    private static partial Regex IdNumberPattern();

    public static bool ContainsIdNumber(string? text) =>
        text is not null && IdNumberPattern().IsMatch(text);

    /// <summary>Keeps the area code (not personal) and hides birth date, sequence and check
    /// character.</summary>
    public static string Redact(string text) =>
        IdNumberPattern().Replace(text, m => m.Groups[1].Value + "************");

    /// <summary>A value as it may be exported: a string redacted, anything else whose text holds an
    /// ID number by that text redacted.</summary>
    public static object? Redact(object? value) =>
        value switch
        {
            null => null,
            string s => ContainsIdNumber(s) ? Redact(s) : s,
            _ when value.GetType().IsPrimitive
                    || value is decimal or DateTime or DateTimeOffset or Guid => value,
            _ => ContainsIdNumber(value.ToString()) ? Redact(value.ToString()!) : value,
        };
}

/// <summary>An exception as it may be logged or traced: its message and stack text with ID numbers
/// hidden.</summary>
public sealed class RedactedException(Exception original)
    : Exception(IdNumberRedaction.Redact(original.Message))
{
    public string OriginalType { get; } = original.GetType().FullName ?? original.GetType().Name;

    public override string? StackTrace { get; } =
        original.StackTrace is { } trace ? IdNumberRedaction.Redact(trace) : null;

    public override string ToString() => IdNumberRedaction.Redact(original.ToString());

    /// <summary>The exception itself when nothing in it names a person; otherwise its redacted
    /// stand-in.</summary>
    public static Exception Of(Exception exception) =>
        IdNumberRedaction.ContainsIdNumber(exception.ToString())
            ? new RedactedException(exception)
            : exception;
}

/// <summary>Log scopes as exporters read them, with ID numbers hidden in every value (a request
/// path may carry one).</summary>
public sealed class RedactingScopeProvider(IExternalScopeProvider inner) : IExternalScopeProvider
{
    public void ForEachScope<TState>(Action<object?, TState> callback, TState state) =>
        inner.ForEachScope((scope, s) => callback(Redact(scope), s), state);

    public IDisposable Push(object? state) => inner.Push(state);

    public static object? Redact(object? scope) =>
        scope switch
        {
            IEnumerable<KeyValuePair<string, object?>> pairs
                when pairs.Any(p => IdNumberRedaction.Redact(p.Value) != p.Value) => pairs
                .Select(p => new KeyValuePair<string, object?>(
                    p.Key,
                    IdNumberRedaction.Redact(p.Value)
                ))
                .ToList(),
            IEnumerable<KeyValuePair<string, object?>> => scope,
            _ => IdNumberRedaction.Redact(scope),
        };
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
            foreach (var (key, value) in changed)
                activity.SetTag(key, value);
        }
        if (IdNumberRedaction.ContainsIdNumber(activity.DisplayName))
        {
            activity.DisplayName = IdNumberRedaction.Redact(activity.DisplayName);
        }
        if (IdNumberRedaction.ContainsIdNumber(activity.StatusDescription))
        {
            activity.SetStatus(
                activity.Status,
                IdNumberRedaction.Redact(activity.StatusDescription!)
            );
        }
        // Span events (an exception's message and stack among them) cannot be changed once added:
        // when one names a person, the activity's events are replaced by redacted copies (a unit
        // test fails if this stops working).
        if (
            EventsField is not null
            && activity.Events.Any(e =>
                e.Tags.Any(t => t.Value is string text && IdNumberRedaction.ContainsIdNumber(text))
            )
        )
        {
            var events = activity.Events.ToList();
            EventsField.SetValue(activity, null);
            foreach (var e in events)
            {
                activity.AddEvent(
                    new ActivityEvent(
                        e.Name,
                        e.Timestamp,
                        new ActivityTagsCollection(
                            e.Tags.Select(t => new KeyValuePair<string, object?>(
                                t.Key,
                                IdNumberRedaction.Redact(t.Value)
                            ))
                        )
                    )
                );
            }
        }
    }

    public static readonly FieldInfo? EventsField = typeof(Activity).GetField(
        "_events",
        BindingFlags.Instance | BindingFlags.NonPublic
    );
}

public sealed class IdNumberLogRedactor : BaseProcessor<LogRecord>
{
    /// <summary>
    /// OpenTelemetry keeps a record's scopes behind a provider it does not let processors set; the
    /// exporters read the scopes through it after this processor, so it is wrapped here (a unit
    /// test fails if these fields go away).
    /// </summary>
    public static readonly FieldInfo? LoggerDataField = typeof(LogRecord).GetField(
        "ILoggerData",
        BindingFlags.Instance | BindingFlags.NonPublic
    );

    public static readonly FieldInfo? ScopeProviderField = LoggerDataField?.FieldType.GetField(
        "ScopeProvider",
        BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic
    );

    public override void OnEnd(LogRecord data)
    {
        if (data.Exception is { } exception)
            data.Exception = RedactedException.Of(exception);
        if (
            LoggerDataField is not null
            && ScopeProviderField is not null
            && LoggerDataField.GetValue(data) is { } loggerData
            && ScopeProviderField.GetValue(loggerData)
                is IExternalScopeProvider scopes
                    and not RedactingScopeProvider
        )
        {
            ScopeProviderField.SetValue(loggerData, new RedactingScopeProvider(scopes));
            LoggerDataField.SetValue(data, loggerData);
        }
        if (IdNumberRedaction.ContainsIdNumber(data.FormattedMessage))
            data.FormattedMessage = IdNumberRedaction.Redact(data.FormattedMessage!);
        if (IdNumberRedaction.ContainsIdNumber(data.Body))
            data.Body = IdNumberRedaction.Redact(data.Body!);
        if (
            data.Attributes is { Count: > 0 } attributes
            && attributes.Any(a => a.Value is string s && IdNumberRedaction.ContainsIdNumber(s))
        )
        {
            data.Attributes = attributes
                .Select(a =>
                    a.Value is string s && IdNumberRedaction.ContainsIdNumber(s)
                        ? new KeyValuePair<string, object?>(a.Key, IdNumberRedaction.Redact(s))
                        : a
                )
                .ToList();
        }
    }
}
