using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Subsidy.Contracts;
using static Subsidy.EndToEndTests.SettlementDriver;
using IOPath = System.IO.Path;

namespace Subsidy.EndToEndTests;

/// <summary>docs/operations/runbook.md: ./run.sh admin export-county writes a county's year as an
/// archive (档案) that is checked offline against its SHA256SUMS.</summary>
[Collection(SystemCollection.Name)]
public sealed class CountyArchiveTests(SubsidySystem system) : IDisposable
{
    private const string Village = "360222112481";
    private readonly string _output = Directory.CreateTempSubdirectory("county-archive-").FullName;

    [Fact]
    public async Task A_credited_county_year_is_exported_with_its_documents_results_roster_and_audit_and_a_changed_file_is_named()
    {
        var driver = new SettlementDriver(system);
        await driver.Registry.TownshipAsync(Village, "档案镇");
        await driver.PaymentNoticeIssuedAsync(Village, "档案村", 112_481);
        var centre = await driver.Centre();
        await driver.CreditedAsync(Village);
        await Eventually.TrueAsync(
            async () =>
                (
                    await centre.GetFromJsonAsync<JsonArray>(
                        $"/api/documents?division={Village}&year={Year}&kind=credited-csv"
                    )
                )!.Count == 1,
            "the credited-details export"
        );

        // The archive holds every member's whole ID number: no export without a purpose.
        var unexplained = await AdminAsync(
            "export-county",
            "360222",
            Year.ToString(),
            "--out",
            _output
        );
        Assert.Equal(2, unexplained.ExitCode);
        Assert.Contains("须用 --purpose 说明导出用途", unexplained.Output);
        Assert.False(Directory.Exists(IOPath.Combine(_output, $"county-archive-360222-{Year}")));

        var (exit, output) = await ExportAsync("360222");
        Assert.True(exit == 0, output);
        // Recorded like any whole-number view: who, whose, when, why.
        await using (var calculation = await system.OpenDatabaseAsync("calculation"))
        {
            var recorded = await calculation.QuerySingleAsync<(
                string Actor,
                string Role,
                string Reason
            )>(
                """
                SELECT actor, actor_role, reason FROM audit_log
                WHERE entity = 'personal-data' AND action = 'view-full-id-numbers' AND entity_key = @Key
                """,
                new { Key = $"360222/{Year}" }
            );
            Assert.Equal("operator", recorded.Role);
            Assert.Contains("用途：年度归档", recorded.Reason);
            Assert.Contains($"360222 全县 {Year} 年度档案", recorded.Reason);
        }
        var archive = IOPath.Combine(_output, $"county-archive-360222-{Year}");

        var documents = Directory
            .GetFiles(IOPath.Combine(archive, "documents", Village))
            .Select(IOPath.GetFileName)
            .ToList();
        foreach (
            var kind in new[]
            {
                "roster-pdf",
                "roster-xlsx",
                "notice-pdf",
                "application-pdf",
                "credited-csv",
            }
        )
            Assert.Contains(documents, d => d!.StartsWith(kind + "-v1-", StringComparison.Ordinal));
        var id = ContributionFiles.Id(112_481);
        Assert.Contains(File.ReadAllLines(IOPath.Combine(archive, "results.csv")), l =>
            l.StartsWith($"{Village},测试112481,{id},", StringComparison.Ordinal)
            && l.Contains(",300.00,")
        );
        Assert.Contains(File.ReadAllLines(IOPath.Combine(archive, "roster.csv")), l =>
            l.Contains(id)
        );
        Assert.Contains(File.ReadAllLines(IOPath.Combine(archive, "village-years.csv")), l =>
            l.StartsWith($"{Village},{SettlementStateNames.ChineseName(SettlementState.Credited)},")
        );
        Assert.Contains(File.ReadAllLines(IOPath.Combine(archive, "audit", "calculation.csv")), l =>
            l.Contains(Village)
        );

        // Checked offline with the standard tool, and with the system's own command.
        Assert.Equal(
            0,
            (await RunAsync(archive, "sha256sum", "-c", "--quiet", "SHA256SUMS")).ExitCode
        );
        var verified = await AdminAsync("verify-archive", archive);
        Assert.True(verified.ExitCode == 0, verified.Output);

        // One byte of one document changed: both checks fail, and the system names the file.
        var roster = Directory
            .GetFiles(IOPath.Combine(archive, "documents", Village), "roster-pdf-*")
            .Single();
        var bytes = File.ReadAllBytes(roster);
        bytes[^10] ^= 0x01;
        File.WriteAllBytes(roster, bytes);
        Assert.NotEqual(
            0,
            (await RunAsync(archive, "sha256sum", "-c", "--quiet", "SHA256SUMS")).ExitCode
        );
        var tampered = await AdminAsync("verify-archive", archive);
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains(
            $"内容与清单不符（已被改动）：documents/{Village}/{IOPath.GetFileName(roster)}",
            tampered.Output
        );

        // The same export again would overwrite nothing; a county code of the wrong length is refused.
        var again = await ExportAsync("360222");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("已存在", again.Output);
        var wrong = await ExportAsync("36022");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("6位数字", wrong.Output);
    }

    /// <summary>A county's year exported for the year's archive, as an operator would.</summary>
    private Task<(int ExitCode, string Output)> ExportAsync(string county) =>
        AdminAsync(
            "export-county",
            county,
            Year.ToString(),
            "--purpose",
            "年度归档",
            "--out",
            _output
        );

    private Task<(int ExitCode, string Output)> AdminAsync(params string[] arguments) =>
        AdminTool.RunAsync(system, _output, arguments);

    private static Task<(int ExitCode, string Output)> RunAsync(
        string directory,
        string program,
        params string[] arguments
    ) => AdminTool.ProgramAsync(directory, program, arguments);

    public void Dispose() => Directory.Delete(_output, recursive: true);
}
