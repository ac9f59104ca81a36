using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Subsidy.Tests;

/// <summary>The operators' Grafana dashboards as shipped (deploy/grafana/dashboards): their panel
/// queries and the metrics they read.</summary>
public static partial class Dashboards
{
    /// <summary>Every panel query of every shipped dashboard.</summary>
    public static IEnumerable<string> Expressions(string repositoryRoot) =>
        Directory
            .GetFiles(Path.Combine(repositoryRoot, "deploy", "grafana", "dashboards"), "*.json")
            .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!["panels"]!.AsArray())
            .SelectMany(p => p!["targets"]!.AsArray().Select(t => (string)t!["expr"]!));

    /// <summary>The metric names a query reads: identifiers that are not functions, keywords, label
    /// names or numbers.</summary>
    public static IEnumerable<string> MetricNames(string expression)
    {
        var bare = Grouping().Replace(Braces().Replace(Ranges().Replace(expression, ""), ""), "");
        return Identifier()
            .Matches(bare)
            .Select(m => m.Value)
            .Where(name => !Keywords.Contains(name))
            .Distinct();
    }

    private static readonly HashSet<string> Keywords =
    [
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "and",
        "or",
        "unless",
        "bool",
        "offset",
    ];

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(by|without|on|ignoring)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    /// <summary>A name not followed by "(" (a function) and not starting with a digit.</summary>
    [GeneratedRegex(@"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*\b(?!\s*\()")]
    private static partial Regex Identifier();
}
