using Dapper;
using Npgsql;

namespace Calculation.Reports;

/// <summary>
/// Which village-years a list shows: of one year, under a prefix, optionally in a state, by name or
/// code, with open objections.
/// </summary>
public sealed record VillageYearListFilter(
    int Year,
    string Prefix,
    string? State,
    string? Q,
    bool? OpenObjections
);

public sealed record VillageYearListRow(
    string VillageCode,
    string? VillageName,
    int Year,
    string State,
    bool Stale,
    int Members,
    int Eligible,
    decimal Amount,
    int OpenObjections,
    DateOnly? NoticeEnd,
    string? RejectionReason
);

/// <summary>
/// The village-years of an area a page at a time. The village's name comes from the division
/// replica's table in the same statement rather than through <c>DivisionReplica</c>: the list is
/// searched by that name and paged in SQL.
/// </summary>
public static class VillageYearListQueries
{
    private const string Filter = """
        FROM village_years v
        LEFT JOIN calculation_runs r ON r.id = v.run_id
        LEFT JOIN known_divisions d ON d.code = v.village_code
        WHERE v.year = @year AND v.village_code LIKE @prefix || '%'
          AND (@state::text IS NULL OR v.state = @state)
          AND (@q::text IS NULL OR v.village_code LIKE @q || '%' OR d.name LIKE '%' || @q || '%')
          AND (@openObjections::boolean IS NOT TRUE OR EXISTS (SELECT 1 FROM objections o WHERE
              o.village_code = v.village_code AND o.year = v.year AND o.state = 'open'))
        """;

    private const string CountSql = $"SELECT count(*)::int {Filter}";

    private const string PageSql = $"""
        SELECT v.village_code, d.name AS village_name, v.year, v.state, v.stale,
               coalesce(r.members, 0) AS members, coalesce(r.eligible, 0) AS eligible, coalesce(r.amount, 0) AS amount,
               (SELECT count(*)::int FROM objections o WHERE o.village_code = v.village_code AND
                   o.year = v.year AND o.state = 'open') AS open_objections,
               v.notice_end, v.rejection_reason
        {Filter}
        ORDER BY v.village_code
        LIMIT @pageSize OFFSET @offset
        """;

    /// <summary>How many village-years match, and the page of them from <paramref name="offset"/>
    /// on.</summary>
    public static async Task<(int Total, IReadOnlyList<VillageYearListRow> Rows)> PageAsync(
        NpgsqlDataSource dataSource,
        VillageYearListFilter filter,
        int pageSize,
        int offset,
        CancellationToken cancellationToken
    )
    {
        var parameters = new
        {
            year = filter.Year,
            prefix = filter.Prefix,
            state = filter.State,
            q = filter.Q,
            openObjections = filter.OpenObjections,
            pageSize,
            offset,
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(
            new CommandDefinition(CountSql, parameters, cancellationToken: cancellationToken)
        );
        var rows = await connection.QueryAsync<VillageYearListRow>(
            new CommandDefinition(PageSql, parameters, cancellationToken: cancellationToken)
        );
        return (total, rows.AsList());
    }
}
