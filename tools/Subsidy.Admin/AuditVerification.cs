using Subsidy.ServiceData;

namespace Subsidy.Admin;

/// <summary>./run.sh admin audit verify: walks every service's audit chain and names the first
/// broken link of each.</summary>
public static class AuditVerification
{
    public static async Task<int> RunAsync(string server)
    {
        var broken = 0;
        foreach (var (database, name) in CountyArchive.Databases)
        {
            await using var connection = await CountyArchive.OpenAsync(server, database);
            var check = await AuditChain.VerifyAsync(connection);
            if (check.BrokenId is { } id)
            {
                broken++;
                Console.WriteLine(
                    $"审计链断裂 BROKEN：{name}（数据库 {database}）第 {check.BrokenSequence} 条封存记录（审计记录编号 {id}）{check.Why}；此前 {check.Sealed} 条完整。"
                );
            }
            else
            {
                Console.WriteLine(
                    $"审计链完整 intact：{name}（数据库 {database}）{check.Sealed} 条已封存，{check.Unsealed} 条待封存。"
                );
            }
        }
        return broken == 0 ? 0 : 1;
    }
}
