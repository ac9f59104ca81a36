using System.Text.RegularExpressions;

namespace Subsidy.UnitTests.Repository;

/// <summary>
/// Someone who clones the repository has only the repository: its design is docs/design/, and
/// nothing in it may send the reader to a document kept elsewhere (docs/design/README.md maps the
/// old section numbers to pages).
/// </summary>
public class RepositoryStandsAloneTests
{
    // Built from pieces so that this file does not itself hold what it looks for.
    private static readonly string[] OutsideReferences =
    [
        "DESIGN" + " §",
        "DESIGN" + ".md",
        "shared" + "/DESIGN",
        ".." + "/shared",
    ];

    private static readonly HashSet<string> SkippedDirectories = new(StringComparer.Ordinal)
    {
        ".git",
        "bin",
        "obj",
        "TestResults",
        ".local",
        "node_modules",
        ".vs",
        ".idea",
    };

    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".cs",
        ".razor",
        ".cshtml",
        ".sh",
        ".sql",
        ".md",
        ".json",
        ".csproj",
        ".props",
        ".targets",
        ".sln",
        ".yml",
        ".yaml",
        ".css",
        ".js",
        ".txt",
        ".xml",
        ".config",
        ".http",
        ".editorconfig",
        ".gitignore",
    };

    private const int MaxReadmeCharacters = 15_000;

    [Fact]
    public void No_file_cites_a_design_document_outside_the_repository()
    {
        var root = RepositoryRoot.Path;
        var offenders = TextFiles(root)
            .SelectMany(file =>
                File.ReadLines(file)
                    .Select((line, index) => (file, line, number: index + 1))
                    .Where(l =>
                        OutsideReferences.Any(reference =>
                            l.line.Contains(reference, StringComparison.Ordinal)
                        )
                    )
            )
            .Select(l => $"{Path.GetRelativePath(root, l.file)}:{l.number}: {l.line.Trim()}")
            .ToList();
        Assert.True(
            offenders.Count == 0,
            "Cite docs/design/ instead:\n" + string.Join("\n", offenders)
        );
    }

    [Fact]
    public void Every_design_document_the_code_cites_exists()
    {
        var root = RepositoryRoot.Path;
        var cited = new Regex(@"docs/design/[A-Za-z0-9_.-]+\.md");
        var missing = TextFiles(root)
            .SelectMany(file =>
                cited.Matches(File.ReadAllText(file)).Select(m => (file, path: m.Value))
            )
            .Where(c =>
                !File.Exists(Path.Combine(root, c.path.Replace('/', Path.DirectorySeparatorChar)))
            )
            .Select(c => $"{Path.GetRelativePath(root, c.file)} cites {c.path}")
            .Distinct()
            .ToList();
        Assert.True(missing.Count == 0, "No such design document:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Every_old_design_section_has_a_page_of_its_own()
    {
        var root = RepositoryRoot.Path;
        var index = File.ReadAllText(Path.Combine(root, "docs", "design", "README.md"));
        var pages = new Regex(@"\]\(((?:\.\./)?[A-Za-z0-9_.-]+\.md)\)")
            .Matches(index)
            .Select(m => m.Groups[1].Value)
            .Distinct()
            .ToList();
        Assert.NotEmpty(pages);
        Assert.All(pages, page =>
            Assert.True(
                File.Exists(
                    Path.Combine(
                        root,
                        "docs",
                        "design",
                        page.Replace('/', Path.DirectorySeparatorChar)
                    )
                ),
                $"docs/design/README.md links to {page}, which does not exist"
            )
        );
        for (var section = 1; section <= 15; section++)
        {
            Assert.Contains($"| §{section} |", index);
        }
    }

    [Fact]
    public void The_readme_is_short_enough_to_read_first()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        Assert.True(
            readme.Length <= MaxReadmeCharacters,
            $"README.md has {readme.Length} characters; at most {MaxReadmeCharacters}. Move the detail to docs/."
        );
    }

    private static IEnumerable<string> TextFiles(string root)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            foreach (var child in Directory.EnumerateDirectories(directory))
            {
                if (!SkippedDirectories.Contains(Path.GetFileName(child)))
                    pending.Push(child);
            }
            foreach (var file in Directory.EnumerateFiles(directory))
            {
                var name = Path.GetFileName(file);
                if (
                    TextExtensions.Contains(Path.GetExtension(file))
                    || TextExtensions.Contains(name)
                )
                    yield return file;
            }
        }
    }
}
