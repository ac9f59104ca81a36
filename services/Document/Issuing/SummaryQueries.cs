using Dapper;
using Npgsql;

namespace Document.Issuing;

/// <summary>The settled village-years of one child division (a prefix of their codes),
/// summed.</summary>
public sealed record SummaryRow(
    string Prefix,
    int VillageYears,
    int Recipients,
    decimal Amount,
    decimal PaidAmount,
    decimal CreditedAmount,
    DateTime AsOf
);

/// <summary>The sums behind the 年度汇总表 (<see cref="Apis.SummariesApi"/>).</summary>
public static class SummaryQueries
{
    private const string LinesSql = """
        SELECT left(village_code, @childLength) AS prefix, count(*)::int AS village_years,
            sum(recipients)::int AS recipients,
               sum(amount) AS amount, sum(paid_amount) AS paid_amount, coalesce(sum(paid_amount)
                   FILTER (WHERE credited), 0) AS credited_amount,
               max(as_of) AS as_of
        FROM village_years WHERE year = @year AND village_code LIKE @prefix || '%'
        GROUP BY 1 ORDER BY 1
        """;

    /// <summary>
    /// The year's village-years under <paramref name="prefix"/>, grouped by the first <paramref
    /// name="childLength"/> digits of their codes, in code order.
    /// </summary>
    public static async Task<List<SummaryRow>> LinesAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        int childLength,
        int year,
        string prefix,
        CancellationToken cancellationToken
    ) =>
        (
            await connection.QueryAsync<SummaryRow>(
                new CommandDefinition(
                    LinesSql,
                    new
                    {
                        childLength,
                        year,
                        prefix,
                    },
                    transaction,
                    cancellationToken: cancellationToken
                )
            )
        ).AsList();
}
