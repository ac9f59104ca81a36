using Dapper;
using Npgsql;

namespace Calculation.Inputs;

public sealed class PolicyYearRow
{
    public decimal[] Tiers { get; set; } = [];
    public decimal SpecialTier { get; set; }
    public DateOnly ContributionDeadline { get; set; }
    public int NoticeDays { get; set; }
}

/// <summary>The policy year that applies to a village: its county's override, else its province's default.</summary>
public static class PolicyYears
{
    private const string EffectiveSql = """
        SELECT tiers, special_tier, contribution_deadline, notice_days FROM policy_years
        WHERE year = @year AND region_code IN (@county, @province)
        ORDER BY (region_code = @county) DESC LIMIT 1
        """;

    public static Task<PolicyYearRow?> EffectiveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string villageCode, int year, CancellationToken cancellationToken) =>
        connection.QueryFirstOrDefaultAsync<PolicyYearRow>(new CommandDefinition(EffectiveSql,
            new { year, county = villageCode[..6] + "000000", province = villageCode[..2] + "0000000000" }, transaction, cancellationToken: cancellationToken));
}
