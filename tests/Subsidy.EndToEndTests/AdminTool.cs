using System.Diagnostics;

namespace Subsidy.EndToEndTests;

/// <summary>The operator's commands (tools/Subsidy.Admin, as ./run.sh admin runs them) and other
/// programs, run against a test system.</summary>
public static class AdminTool
{
    public static async Task<(int ExitCode, string Output)> RunAsync(
        SubsidySystem system,
        string workingDirectory,
        params string[] arguments
    )
    {
        var tool = Path.Combine(
            Subsidy.Tests.RepositoryRoot.Path,
            "tools",
            "Subsidy.Admin",
            "bin",
            "Debug",
            "net10.0",
            "Subsidy.Admin.dll"
        );
        return await ProgramAsync(
            workingDirectory,
            "dotnet",
            new[] { tool }.Concat(arguments).ToArray(),
            ("ConnectionStrings__postgres", await system.ServerConnectionStringAsync()),
            ("PersonalData__KeyFile", system.KeyFile)
        );
    }

    public static async Task<(int ExitCode, string Output)> ProgramAsync(
        string workingDirectory,
        string program,
        string[] arguments,
        params (string Name, string Value)[] environment
    )
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await output + await error);
    }
}
