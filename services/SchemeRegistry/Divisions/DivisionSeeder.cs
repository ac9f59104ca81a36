using Npgsql;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Auth;

namespace SchemeRegistry.Divisions;

/// <summary>
/// The reference divisions of docs/design/01-purpose-and-reference-data.md: 江西省, 景德镇市, 浮梁县 and its
/// 16 townships (1xx 镇, 2xx 乡). Villages are not seeded: county officers (or the demo data) add
/// them.
/// </summary>
public sealed class DivisionSeeder(NpgsqlDataSource dataSource)
{
    public static readonly IReadOnlyList<(string Code, string Name)> Seed =
    [
        ("360000000000", "江西省"),
        ("360200000000", "景德镇市"),
        ("360222000000", "浮梁县"),
        ("360222100000", "浮梁镇"),
        ("360222101000", "鹅湖镇"),
        ("360222102000", "经公桥镇"),
        ("360222103000", "蛟潭镇"),
        ("360222104000", "湘湖镇"),
        ("360222105000", "瑶里镇"),
        ("360222106000", "寿安镇"),
        ("360222107000", "三龙镇"),
        ("360222108000", "峙滩镇"),
        ("360222200000", "王港乡"),
        ("360222201000", "臧湾乡"),
        ("360222202000", "黄坛乡"),
        ("360222203000", "兴田乡"),
        ("360222204000", "江村乡"),
        ("360222205000", "西湖乡"),
        ("360222206000", "勒功乡"),
    ];

    private static readonly Caller System = new("system", "系统初始化", "system", "");

    /// <summary>Inserts the seed divisions that are missing, through the same path as any other
    /// creation.</summary>
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        await using var work = await UnitOfWork.BeginAsync(dataSource, cancellationToken);
        foreach (var (code, name) in Seed)
        {
            await DivisionStore.InsertAsync(work, System, code, name, cancellationToken);
        }
        await work.CommitAsync(cancellationToken);
    }
}
