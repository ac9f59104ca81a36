using System.Diagnostics;

namespace Subsidy.UnitTests.Repository;

/// <summary>
/// One layout for all C#, written by CSharpier (.csharpierrc.yaml: lines of at most 100 characters), so that a
/// change shows what it changes and a long line is the tool's exception (a string), not a habit.
/// </summary>
public class CodeLayoutTests
{
    [Fact]
    public async Task The_csharp_is_laid_out_as_csharpier_writes_it()
    {
        var root = RepositoryRoot.Path;
        var start = new ProcessStartInfo("dotnet", ["csharpier", "check", "."])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(
            process.ExitCode == 0,
            $"not laid out as `dotnet csharpier format .` writes it:{Environment.NewLine}{await output}{await error}"
        );
    }
}
