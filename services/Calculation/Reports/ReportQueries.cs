using Dapper;
using Npgsql;

namespace Calculation.Reports;

/// <summary>The village-years of one child division (a prefix of their codes) in one state,
/// summed.</summary>
public sealed record RollUpRow(
    string Prefix,
    string State,
    int VillageYears,
    int Members,
    int Eligible,
    decimal Amount,
    decimal PaidAmount,
    decimal CreditedAmount
);

/// <summary>The sums behind 汇总 (<see cref="Apis.ReportsApi"/>).</summary>
public static class ReportQueries
{
    // One row per child division and state; amounts include upheld objections' adjustments.
    private const string RollUpSql = """
        SELECT left(v.village_code, @childLength) AS prefix, v.state,
               count(*)::int AS village_years,
               coalesce(sum(r.members), 0)::int AS members,
               coalesce(sum(r.eligible), 0)::int AS eligible,
               coalesce(sum(r.amount), 0) AS amount,
               coalesce(sum(p.paid_amount), 0) AS paid_amount,
               coalesce(sum(p.paid_amount) FILTER (WHERE p.credited_on IS NOT NULL), 0) AS credited_amount
        FROM village_years v
        LEFT JOIN calculation_runs r ON r.id = v.run_id
        LEFT JOIN payment_notices p ON p.village_code = v.village_code AND p.year = v.year
        WHERE v.year = @year AND v.village_code LIKE @prefix || '%'
        GROUP BY 1, 2
        """;

    /// <summary>
    /// The year's village-years under <paramref name="prefix"/>, grouped by the first <paramref
    /// name="childLength"/> digits of their codes and by state.
    /// </summary>
    public static async Task<List<RollUpRow>> RollUpAsync(
        NpgsqlConnection connection,
        int childLength,
        int year,
        string prefix,
        CancellationToken cancellationToken
    ) =>
        (
            await connection.QueryAsync<RollUpRow>(
                new CommandDefinition(
                    RollUpSql,
                    new
                    {
                        childLength,
                        year,
                        prefix,
                    },
                    cancellationToken: cancellationToken
                )
            )
        ).AsList();
}
