using System.Globalization;
using System.Text;

namespace Subsidy.Admin;

/// <summary>A CSV file as Excel opens it (UTF-8 with BOM, quoted where needed), amounts as plain
/// numbers.</summary>
public static class CsvFile
{
    public static async Task WriteAsync(
        string path,
        IReadOnlyList<string> header,
        IEnumerable<IReadOnlyList<object?>> rows
    )
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(true));
        await writer.WriteAsync(Line(header) + "\r\n");
        foreach (var row in rows)
            await writer.WriteAsync(Line(row) + "\r\n");
    }

    private static string Line(IEnumerable<object?> cells) => string.Join(",", cells.Select(Cell));

    private static string Cell(object? value)
    {
        var text = value switch
        {
            null => "",
            decimal d => d.ToString(CultureInfo.InvariantCulture),
            DateTime t => t.ToUniversalTime()
                .ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0
            ? "\"" + text.Replace("\"", "\"\"") + "\""
            : text;
    }
}
