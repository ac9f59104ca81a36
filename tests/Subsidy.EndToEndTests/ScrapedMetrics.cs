using System.Globalization;
using System.Text.RegularExpressions;

namespace Subsidy.EndToEndTests;

/// <summary>
/// A service's metrics as it serves them to a scraper (Prometheus text format,
/// Telemetry:ScrapeEndpoint): the same meter provider that exports them to the Aspire dashboard
/// over OTLP.
/// </summary>
public sealed partial class ScrapedMetrics
{
    private readonly List<(
        string Name,
        Dictionary<string, string> Labels,
        double Value
    )> _samples = [];

    public static async Task<ScrapedMetrics> ReadAsync(SubsidySystem system, string service)
    {
        using var client = system.App.CreateHttpClient(service);
        var text = await client.GetStringAsync("/metrics");
        var metrics = new ScrapedMetrics();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var match = Sample().Match(line);
            if (!match.Success)
                continue;
            var labels = Label()
                .Matches(match.Groups["labels"].Value)
                .ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value);
            metrics._samples.Add(
                (
                    match.Groups["name"].Value,
                    labels,
                    double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)
                )
            );
        }
        return metrics;
    }

    /// <summary>The sum of a metric's samples whose labels include all of <paramref
    /// name="labels"/>; 0 when there are none.</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) =>
        _samples
            .Where(s =>
                s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Label) == l.Value)
            )
            .Sum(s => s.Value);

    public bool Has(string name, params (string Label, string Value)[] labels) =>
        _samples.Any(s =>
            s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Label) == l.Value)
        );

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)""")]
    private static partial Regex Sample();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
