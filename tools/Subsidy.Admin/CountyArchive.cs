using System.Security.Cryptography;
using Dapper;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData.Crypto;
using Subsidy.ServiceDefaults.Auth;

namespace Subsidy.Admin;

/// <summary>
/// A county's year as an archive (档案): every document issued for its divisions that year, the
/// members' rosters, each village-year's state and results, and every service's audit entries of
/// the county that year, with SHA256SUMS over all of it. Read straight from the services'
/// databases on the server, as the operator's backup tools read them. The archive holds full ID
/// numbers, as the county's own records do: it is kept where the county keeps those.
/// </summary>
public static class CountyArchive
{
    private const string DocumentsSql = """
        SELECT division_code, kind, version, file_name, sha256, content_sealed AS content
        FROM documents WHERE starts_with(division_code, @County) AND year = @Year
        ORDER BY division_code, kind, version
        """;

    private const string VillageYearsSql = """
        SELECT v.village_code, v.state, r.members, r.eligible, r.total
        FROM village_years v LEFT JOIN calculation_runs r ON r.id = v.run_id
        WHERE starts_with(v.village_code, @County) AND v.year = @Year
        ORDER BY v.village_code
        """;

    private const string ResultsSql = """
        SELECT v.village_code, m.person, m.special_group, m.own, m.tier, m.floor_part,
            m.incentive_part, m.subsidy, m.adjusted_subsidy, m.exclusion
        FROM village_years v JOIN member_results m ON m.run_id = v.run_id
        WHERE starts_with(v.village_code, @County) AND v.year = @Year
        """;

    private const string RostersSql = """
        SELECT r.village_code, r.members_sealed
        FROM rosters r
        WHERE starts_with(r.village_code, @County) AND r.year = @Year
        """;

    // A year's entries: those naming the year (a village-year "…/2026", a scheme of the year) and
    // those made in it.
    private const string AuditSql = """
        SELECT at, actor, actor_role, entity, entity_key, division_code, action, from_state,
            to_state, reason
        FROM audit_log
        WHERE starts_with(division_code, @County)
          AND (strpos(entity_key, @YearText) > 0 OR extract(year FROM at) = @Year)
        ORDER BY id
        """;

    /// <summary>The services' databases, each with its audit log.</summary>
    public static readonly (string Database, string Name)[] Databases =
    [
        ("identity", "身份认证与账号"),
        ("scheme_registry", "方案登记"),
        ("contribution_import", "缴费明细导入"),
        ("calculation", "补助测算与结算"),
        ("document", "文书"),
    ];

    public static async Task<int> ExportAsync(
        string server,
        string county,
        string yearText,
        string outputDirectory,
        string? purpose
    )
    {
        if (county.Length != 6 || !county.All(char.IsAsciiDigit))
        {
            Console.Error.WriteLine($"县级区划代码须为6位数字，收到“{county}”。");
            return 2;
        }
        if (!int.TryParse(yearText, out var year) || year is < 2000 or > 2100)
        {
            Console.Error.WriteLine($"年度须为2000至2100之间的四位年份，收到“{yearText}”。");
            return 2;
        }
        if (string.IsNullOrWhiteSpace(purpose))
        {
            Console.Error.WriteLine(
                "须用 --purpose 说明导出用途（如：年度归档、审计调阅）：档案含完整公民身份号码，每次导出都记入审计日志。"
            );
            return 2;
        }
        var target = Path.GetFullPath(
            Path.Combine(outputDirectory, $"county-archive-{county}-{year}")
        );
        if (Directory.Exists(target))
        {
            Console.Error.WriteLine($"档案目录已存在，不覆盖：{target}");
            return 2;
        }
        // Written beside its final name and renamed when complete: a directory of that name is
        // always a whole archive.
        var partial = target + ".partial";
        if (Directory.Exists(partial))
            Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        var parameters = new
        {
            County = county,
            Year = year,
            YearText = year.ToString(),
        };

        await RecordAsync(server, county, year, purpose, parameters);
        var documents = await ExportDocumentsAsync(server, partial, parameters);
        if (documents < 0)
            return 1;
        int villageYears,
            results,
            members;
        await using (var calculation = await OpenAsync(server, "calculation"))
        {
            var years = (await calculation.QueryAsync(VillageYearsSql, parameters)).ToList();
            villageYears = years.Count;
            await CsvFile.WriteAsync(
                Path.Combine(partial, "village-years.csv"),
                ["村级区划代码", "状态", "成员数", "符合条件人数", "补助合计（元）"],
                years.Select(y =>
                    (IReadOnlyList<object?>)
                        [
                            y.village_code,
                            SettlementStateNames.ChineseName((string)y.state),
                            y.members,
                            y.eligible,
                            y.total,
                        ]
                )
            );
            var personalData = PersonalDataKeys.Of(calculation);
            var rows = (await calculation.QueryAsync(ResultsSql, parameters))
                .Select(r =>
                {
                    var (name, idNumber) = personalData.OpenPerson((byte[])r.person);
                    return new
                    {
                        r.village_code,
                        name,
                        id_number = idNumber,
                        r.special_group,
                        r.own,
                        r.tier,
                        r.floor_part,
                        r.incentive_part,
                        r.subsidy,
                        r.adjusted_subsidy,
                        r.exclusion,
                    };
                })
                .OrderBy(r => (string)r.village_code, StringComparer.Ordinal)
                .ThenBy(r => r.id_number, StringComparer.Ordinal)
                .ToList();
            results = rows.Count;
            await CsvFile.WriteAsync(
                Path.Combine(partial, "results.csv"),
                [
                    "村级区划代码",
                    "姓名",
                    "公民身份号码",
                    "特殊群体",
                    "个人缴费（元）",
                    "缴费档次（元）",
                    "保底补助（元）",
                    "激励补助（元）",
                    "补助金额（元）",
                    "调整后补助（元）",
                    "不予补助原因",
                ],
                rows.Select(r =>
                    (IReadOnlyList<object?>)
                        [
                            r.village_code,
                            r.name,
                            r.id_number,
                            Group((string?)r.special_group),
                            r.own,
                            r.tier,
                            r.floor_part,
                            r.incentive_part,
                            r.subsidy,
                            r.adjusted_subsidy,
                            Exclusion((string?)r.exclusion),
                        ]
                )
            );
            var roster = (
                await calculation.QueryAsync<(string VillageCode, byte[] Members)>(
                    RostersSql,
                    parameters
                )
            )
                .SelectMany(r =>
                    personalData
                        .OpenJson<List<RosterMember>>(r.Members)
                        .Select(m => new
                        {
                            village_code = r.VillageCode,
                            name = m.Name,
                            id_number = m.IdNumber,
                            special_group = m.SpecialGroup is { } g ? SpecialGroups.Code(g) : null,
                        })
                )
                .OrderBy(m => m.village_code, StringComparer.Ordinal)
                .ThenBy(m => m.id_number, StringComparer.Ordinal)
                .ToList();
            members = roster.Count;
            await CsvFile.WriteAsync(
                Path.Combine(partial, "roster.csv"),
                ["村级区划代码", "姓名", "公民身份号码", "特殊群体"],
                roster.Select(m =>
                    (IReadOnlyList<object?>)
                        [m.village_code, m.name, m.id_number, Group((string?)m.special_group)]
                )
            );
        }

        var auditEntries = 0;
        foreach (var (database, name) in Databases)
        {
            await using var connection = await OpenAsync(server, database);
            var entries = (await connection.QueryAsync(AuditSql, parameters)).ToList();
            auditEntries += entries.Count;
            await CsvFile.WriteAsync(
                Path.Combine(partial, "audit", $"{database}.csv"),
                [
                    "时间（UTC）",
                    "办理人",
                    "角色",
                    "对象",
                    "对象标识",
                    "区划",
                    "操作",
                    "原状态",
                    "新状态",
                    "理由",
                ],
                entries.Select(e =>
                    (IReadOnlyList<object?>)
                        [
                            e.at,
                            e.actor,
                            e.actor_role,
                            e.entity,
                            e.entity_key,
                            e.division_code,
                            e.action,
                            e.from_state,
                            e.to_state,
                            e.reason,
                        ]
                )
            );
        }

        await File.WriteAllTextAsync(
            Path.Combine(partial, "README.txt"),
            $"""
            {county} 县 {year} 年度 城乡居民基本养老保险集体补助 档案
            导出时间（UTC）：{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}

            documents/     当年签发的全部文书（花名册、公示、申报表、缴费通知单、到账明细、汇总表等），按区划代码分目录，文件名含版本号：{documents} 份
            village-years.csv  各村年度的状态与补助合计：{villageYears} 个村年度
            results.csv    各成员的测算结果：{results} 人
            roster.csv     集体经济组织成员名册：{members} 人
            audit/         各服务的审计记录（{string.Join(
                "、",
                Databases.Select(d => d.Name)
            )}）：{auditEntries} 条
            SHA256SUMS     以上每个文件的 SHA-256 校验值

            离线校验：在本目录执行  sha256sum -c SHA256SUMS  （或 ./run.sh admin verify-archive <本目录>）。
            本档案含完整公民身份号码，须按个人信息保护要求保管。
            """
        );
        ArchiveManifest.Write(partial);
        Directory.Move(partial, target);
        Console.WriteLine(
            $"档案已导出 archive written: {target}（文书 {documents} 份，村年度 {villageYears} 个，成员结果 {results} 条，审计记录 {auditEntries} 条）"
        );
        return 0;
    }

    /// <summary>Writes each document as issued; a stored document whose content no longer
    /// matches the hash recorded at issue stops the export (-1).</summary>
    private const string MembersSql = """
        SELECT count(*)
        FROM village_years v JOIN member_results m ON m.run_id = v.run_id
        WHERE starts_with(v.village_code, @County) AND v.year = @Year
        """;

    /// <summary>
    /// The archive hands out every member's whole ID number, so the export is recorded like any
    /// other whole-number view before a file is written (docs/security.md): in the calculation
    /// service's audit log, which its running service chains; who is the operating-system account
    /// that ran the command, as 运维人员.
    /// </summary>
    private static async Task RecordAsync(
        string server,
        string county,
        int year,
        string purpose,
        object parameters
    )
    {
        await using var calculation = await OpenAsync(server, "calculation");
        var members = await calculation.ExecuteScalarAsync<long>(MembersSql, parameters);
        var account = Environment.UserName;
        await IdNumberViews.RecordAsync(
            calculation,
            new Caller($"os:{account}", account, Roles.Operator, county),
            $"{county}/{year}",
            county,
            purpose,
            $"{county} 全县 {year} 年度档案（文书、名册与测算结果，共{members:N0}人）",
            CancellationToken.None
        );
    }

    private static async Task<int> ExportDocumentsAsync(
        string server,
        string directory,
        object parameters
    )
    {
        await using var connection = await OpenAsync(server, "document");
        var personalData = PersonalDataKeys.Of(connection);
        var count = 0;
        await using var reader = await connection.ExecuteReaderAsync(DocumentsSql, parameters);
        while (await reader.ReadAsync())
        {
            var division = reader.GetString(0);
            byte[]? content;
            try
            {
                content = personalData.Open((byte[])reader["content"]);
            }
            catch (CryptographicException)
            {
                // Its sealed content was changed: the same as a changed document.
                content = null;
            }
            var recorded = reader.GetString(4);
            if (
                content is null
                || !string.Equals(
                    Convert.ToHexStringLower(SHA256.HashData(content)),
                    recorded,
                    StringComparison.OrdinalIgnoreCase
                )
            )
            {
                Console.Error.WriteLine(
                    $"文书内容与签发时记录的校验值不符，停止导出：{division} {reader.GetString(3)} 第{reader.GetInt32(2)}版"
                );
                return -1;
            }
            var path = Path.Combine(
                directory,
                "documents",
                division,
                $"{reader.GetString(1)}-v{reader.GetInt32(2)}-{reader.GetString(3)}"
            );
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, content);
            count++;
        }
        return count;
    }

    private static string? Exclusion(string? code) =>
        code is null ? null
        : EnumCodes.TryParse<Calculation.Rules.ExclusionReason>(code, out var reason)
            ? Calculation.Rules.ResultTexts.Exclusion(reason)
        : int.TryParse(code, out var number)
            ? Calculation.Rules.ResultTexts.Exclusion((Calculation.Rules.ExclusionReason)number)
        : code;

    // Rosters keep the group as the import wrote it: its code, or its number in rosters written
    // before codes.
    private static string? Group(string? code) =>
        SpecialGroups.TryFromCode(code, out var group) ? SpecialGroups.ChineseName(group)
        : int.TryParse(code, out var number) && Enum.IsDefined((SpecialGroup)number)
            ? SpecialGroups.ChineseName((SpecialGroup)number)
        : code;

    public static async Task<NpgsqlConnection> OpenAsync(string server, string database)
    {
        var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString
        );
        await connection.OpenAsync();
        return connection;
    }
}
