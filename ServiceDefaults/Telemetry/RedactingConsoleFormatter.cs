using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Subsidy.ServiceDefaults.Telemetry;

/// <summary>
/// Console output is what the dashboard's console-log view and any log collector read, so it gets
/// the same ID-number scrubbing as exported log records.
/// </summary>
public sealed class RedactingConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "redacting";

    public override void Write<TState>(
        in LogEntry<TState> logEntry,
        IExternalScopeProvider? scopeProvider,
        TextWriter textWriter
    )
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
            return;
        var text =
            $"{LevelName(logEntry.LogLevel)}: {logEntry.Category}[{logEntry.EventId.Id}]{Environment.NewLine}      {message}";
        if (logEntry.Exception is not null)
            text += Environment.NewLine + logEntry.Exception;
        textWriter.WriteLine(IdNumberRedaction.Redact(text));
    }

    private static string LevelName(LogLevel level) =>
        level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            LogLevel.Critical => "crit",
            _ => "none",
        };
}
