using System.Net;
using System.Net.Http.Json;
using Dapper;

namespace Subsidy.EndToEndTests;

/// <summary>docs/security: every service's audit entries are chained by SM3, and ./run.sh admin
/// audit verify names the first entry changed behind the system's back.</summary>
[Collection(SystemCollection.Name)]
public sealed class AuditChainTests(SubsidySystem system)
{
    [Fact]
    public async Task An_audit_entry_changed_with_SQL_is_named_by_audit_verify_and_the_chains_are_whole_again_once_it_is_put_back()
    {
        // A change the registry audits: a new village.
        var county = await system.GatewayAsAsync("county-bureau", "360222");
        using (
            var created = await county.PostAsJsonAsync(
                "/api/registry/divisions",
                new { code = "360222100491", name = "审计链村" }
            )
        )
            Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict);
        await using var registry = await system.OpenDatabaseAsync("scheme_registry");
        var entry = await Eventually.GetAsync(
            async () =>
                await registry.QuerySingleOrDefaultAsync<SealedEntry>(
                    "SELECT id, reason, seal_seq AS SealSeq FROM audit_log WHERE entity_key LIKE '%360222100491%' AND seal_seq IS NOT NULL ORDER BY id LIMIT 1"
                ),
            "the village's audit entry to be sealed into the chain",
            TimeSpan.FromSeconds(30)
        );

        var whole = await AdminTool.RunAsync(system, Path.GetTempPath(), "audit", "verify");
        Assert.True(whole.ExitCode == 0, whole.Output);
        Assert.Contains("审计链完整 intact：方案登记", whole.Output);

        await registry.ExecuteAsync(
            "UPDATE audit_log SET reason = '事后改动的理由' WHERE id = @Id",
            new { entry.Id }
        );
        var broken = await AdminTool.RunAsync(system, Path.GetTempPath(), "audit", "verify");
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains(
            $"审计链断裂 BROKEN：方案登记（数据库 scheme_registry）第 {entry.SealSeq} 条封存记录（审计记录编号 {entry.Id}）内容与封存时不符（已被改动）",
            broken.Output
        );
        // The other services' chains are untouched.
        Assert.Contains("审计链完整 intact：补助测算与结算", broken.Output);

        await registry.ExecuteAsync(
            "UPDATE audit_log SET reason = @Reason WHERE id = @Id",
            new { entry.Reason, entry.Id }
        );
        var restored = await AdminTool.RunAsync(system, Path.GetTempPath(), "audit", "verify");
        Assert.True(restored.ExitCode == 0, restored.Output);
    }

    private sealed record SealedEntry(long Id, string? Reason, long SealSeq);
}
