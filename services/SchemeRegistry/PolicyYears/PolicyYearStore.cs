using Dapper;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Auth;

namespace SchemeRegistry.PolicyYears;

public sealed class PolicyYearStore(NpgsqlDataSource dataSource)
{
    // Dapper binds a numeric[] column to a settable decimal[] property, not to a constructor
    // parameter.
    private sealed class Row
    {
        public string RegionCode { get; set; } = "";
        public int Year { get; set; }
        public decimal[] Tiers { get; set; } = [];
        public decimal SpecialTier { get; set; }
        public DateOnly ContributionDeadline { get; set; }
        public DateOnly ExportDeadline { get; set; }
        public int NoticeDays { get; set; }
        public long Version { get; set; }

        public PolicyYear ToPolicyYear() =>
            new(
                RegionCode,
                Year,
                Tiers,
                SpecialTier,
                ContributionDeadline,
                ExportDeadline,
                NoticeDays,
                Version
            );
    }

    private const string Columns =
        "region_code, year, tiers, special_tier, contribution_deadline, export_deadline, notice_days, version";

    private const string ListSql =
        $"SELECT {Columns} FROM policy_years WHERE (@Year::int IS NULL OR year = @Year) ORDER BY year, region_code";

    private const string CandidatesSql =
        $"SELECT {Columns} FROM policy_years WHERE year = @Year AND region_code IN (@County, @Province)";

    private const string FindForUpdateSql =
        $"SELECT {Columns} FROM policy_years WHERE region_code = @RegionCode AND year = @Year FOR UPDATE";

    private const string UpsertSql = $"""
        INSERT INTO policy_years (region_code, year, tiers, special_tier, contribution_deadline,
            export_deadline, notice_days, changed_by)
        VALUES (@RegionCode, @Year, @Tiers, @SpecialTier, @ContributionDeadline, @ExportDeadline,
            @NoticeDays, @ChangedBy)
        ON CONFLICT (region_code, year) DO UPDATE SET
            tiers = excluded.tiers, special_tier = excluded.special_tier,
            contribution_deadline = excluded.contribution_deadline, export_deadline = excluded.export_deadline,
            notice_days = excluded.notice_days, changed_by = excluded.changed_by,
            version = policy_years.version + 1, changed_at = now()
        RETURNING {Columns}
        """;

    public async Task<IReadOnlyList<PolicyYear>> ListAsync(
        int? year,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (
            await connection.QueryAsync<Row>(
                new CommandDefinition(
                    ListSql,
                    new { Year = year },
                    cancellationToken: cancellationToken
                )
            )
        )
            .Select(r => r.ToPolicyYear())
            .ToList();
    }

    public async Task<PolicyYear?> EffectiveAsync(
        string divisionCode,
        int year,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await EffectiveAsync(connection, null, divisionCode, year, cancellationToken);
    }

    public static async Task<IReadOnlyList<PolicyYear>> AllAsync(
        UnitOfWork work,
        CancellationToken cancellationToken
    ) =>
        (
            await work.Connection.QueryAsync<Row>(
                new CommandDefinition(
                    $"SELECT {Columns} FROM policy_years ORDER BY year, region_code",
                    transaction: work.Transaction,
                    cancellationToken: cancellationToken
                )
            )
        )
            .Select(r => r.ToPolicyYear())
            .ToList();

    public static async Task<PolicyYear?> EffectiveAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        string divisionCode,
        int year,
        CancellationToken cancellationToken
    )
    {
        var (county, province) = EffectivePolicyYear.RegionsOf(divisionCode);
        var candidates = await connection.QueryAsync<Row>(
            new CommandDefinition(
                CandidatesSql,
                new
                {
                    Year = year,
                    County = county,
                    Province = province,
                },
                transaction,
                cancellationToken: cancellationToken
            )
        );
        return EffectivePolicyYear
            .Pick(candidates, r => r.RegionCode, divisionCode)
            ?.ToPolicyYear();
    }

    /// <summary>Creates or replaces a region's parameters for a year; audited and
    /// announced.</summary>
    public static async Task<PolicyYear> SaveAsync(
        UnitOfWork work,
        Caller caller,
        string regionCode,
        int year,
        PolicyYearInput input,
        CancellationToken cancellationToken
    )
    {
        var before = (
            await work.Connection.QuerySingleOrDefaultAsync<Row>(
                new CommandDefinition(
                    FindForUpdateSql,
                    new { RegionCode = regionCode, Year = year },
                    work.Transaction,
                    cancellationToken: cancellationToken
                )
            )
        )?.ToPolicyYear();
        var saved = (
            await work.Connection.QuerySingleAsync<Row>(
                new CommandDefinition(
                    UpsertSql,
                    new
                    {
                        RegionCode = regionCode,
                        Year = year,
                        input.Tiers,
                        input.SpecialTier,
                        input.ContributionDeadline,
                        input.ExportDeadline,
                        input.NoticeDays,
                        ChangedBy = caller.UserId,
                    },
                    work.Transaction,
                    cancellationToken: cancellationToken
                )
            )
        ).ToPolicyYear();
        await work.RecordAsync(
            caller,
            "policy-year",
            $"{regionCode}/{year}",
            regionCode,
            before is null ? "create" : "update",
            before is null ? null : Describe(before),
            Describe(saved),
            null,
            cancellationToken
        );
        await work.PublishAsync(saved.ToEvent(), cancellationToken);
        return saved;
    }

    private static string Describe(PolicyYear p) =>
        $"档次 {string.Join("/", p.Tiers.Select(t => t.ToString("0.##")))}；代缴 {p.SpecialTier:0.##}；缴费截止 {p.ContributionDeadline:yyyy-MM-dd}；导出截止 {p.ExportDeadline:yyyy-MM-dd}；公示 {p.NoticeDays} 天";
}
