namespace Subsidy.Contracts;

/// <summary>
/// A CSV value that a spreadsheet would run as a formula — starting with = + - @, a tab or a
/// carriage return — is written with a leading apostrophe, so it shows as the text it is
/// (docs/design/03-import.md), and quoted when it holds a comma, a quote or a line break. An amount
/// the system formats never starts so; anything a file or a user supplied may. (Workbooks need
/// neither: their cells are written as text cells, never as formulas.)
/// </summary>
public static class SpreadsheetText
{
    public static string Safe(string? value) =>
        value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r'
            ? "'" + value
            : value ?? "";

    /// <summary>One CSV field: made safe, then quoted if it needs to be.</summary>
    public static string CsvField(string? value)
    {
        var safe = Safe(value);
        return safe.IndexOfAny([',', '"', '\n', '\r']) >= 0
            ? "\"" + safe.Replace("\"", "\"\"") + "\""
            : safe;
    }
}
