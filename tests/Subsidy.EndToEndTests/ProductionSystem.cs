using System.Diagnostics;
using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Subsidy.EndToEndTests;

/// <summary>
/// The system started as the production start starts it (the Production environment): no
/// development token issuer, no X-Business-Date, the identity service as the only authority,
/// services supervised. Started once for the tests of <see cref="ProductionStartTests"/>, after the
/// shared system's tests of the same collection ran.
/// </summary>
public sealed class ProductionSystem() : SubsidySystem("Production")
{
    /// <summary>The one-time command of the production start (./run.sh admin create-admin …)
    /// against this system's database.</summary>
    public async Task<(int ExitCode, string Output)> IdentityCommandAsync(params string[] arguments)
    {
        var project = App
            .Services.GetRequiredService<DistributedApplicationModel>()
            .Resources.OfType<ProjectResource>()
            .Single(r => r.Name == "identity")
            .GetProjectMetadata()
            .ProjectPath;
        var start = new ProcessStartInfo(
            "dotnet",
            ["run", "--project", project, "--no-build", "--no-launch-profile", "--", .. arguments]
        )
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ConnectionStrings__postgres"] = await ServerConnectionStringAsync();
        start.Environment["PersonalData__KeyFile"] = KeyFile;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output + await error);
    }
}
