using Dapper;
using Npgsql;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Time;

namespace SchemeRegistry.PolicyYears;

/// <summary>
/// Jiangxi's province default (赣, since 2022-06): fourteen tiers from 300 to 6000 元, the 100 元 代缴
/// tier, 30 Sept / 31 Oct deadlines and a 7-day notice, for every year from the pilot's first
/// (2024) to next year.
/// </summary>
public sealed class PolicyYearSeeder(NpgsqlDataSource dataSource, BusinessClock clock)
{
    public const string Jiangxi = "360000000000";
    public const int FirstPilotYear = 2024;
    public static readonly decimal[] JiangxiTiers =
    [
        300,
        400,
        500,
        600,
        700,
        800,
        900,
        1000,
        1500,
        2000,
        3000,
        4000,
        5000,
        6000,
    ];
    public const decimal JiangxiSpecialTier = 100;

    private static readonly Caller System = new("system", "系统初始化", "system", "");

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        var lastYear = clock.Today.Year + 1;
        await using var work = await UnitOfWork.BeginAsync(dataSource, cancellationToken);
        for (var year = FirstPilotYear; year <= lastYear; year++)
        {
            var exists = await work.Connection.ExecuteScalarAsync<bool>(
                new CommandDefinition(
                    "SELECT EXISTS (SELECT 1 FROM policy_years WHERE region_code = @Jiangxi AND year = @year)",
                    new { Jiangxi, year },
                    work.Transaction,
                    cancellationToken: cancellationToken
                )
            );
            if (exists)
                continue;
            var input = PolicyYearRules.WithDefaults(
                new PolicyYearInput(JiangxiTiers, JiangxiSpecialTier, null, null, null),
                year
            );
            await PolicyYearStore.SaveAsync(work, System, Jiangxi, year, input, cancellationToken);
        }
        await work.CommitAsync(cancellationToken);
    }
}
