using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Auth;

namespace Calculation.Apis;

public sealed record DivisionSummary(string Code, string Name, int VillageYears, int Members, int Eligible, decimal Amount, decimal PaidAmount, decimal CreditedAmount,
    IReadOnlyDictionary<string, int> States);

public sealed record RollUpView(int Year, DivisionSummary Division, IReadOnlyList<DivisionSummary> Children);

/// <summary>汇总: a township's villages, a county's townships, a city's counties (a province's cities) for one year.</summary>
public static class ReportsApi
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

    private sealed record Row(string Prefix, string State, int VillageYears, int Members, int Eligible, decimal Amount, decimal PaidAmount, decimal CreditedAmount);

    public static RouteGroupBuilder MapReportsApi(this RouteGroupBuilder group)
    {
        group.MapGet("/summaries/{divisionCode}/{year:int}", RollUp);
        return group;
    }

    public static async Task<Results<Ok<RollUpView>, ProblemHttpResult>> RollUp(string divisionCode, int year, HttpContext http, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var caller = http.GetCaller();
        if (!caller.Covers(divisionCode)) return Problems.OutOfScope(caller, divisionCode);
        if (DivisionCode.LevelOf(divisionCode) is not { } level) return Problems.NotFound($"区划代码 {divisionCode} 无效。");
        var prefix = DivisionCode.ScopePrefix(divisionCode);
        var childLength = DivisionCode.ChildPrefixLength(level);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(RollUpSql, new { childLength, year, prefix }, cancellationToken: cancellationToken))).AsList();
        var childCodes = rows.Select(r => r.Prefix.PadRight(DivisionCode.Length, '0')).Distinct().Append(divisionCode).ToArray();
        var names = (await connection.QueryAsync<(string Code, string Name)>(new CommandDefinition(
            "SELECT code, name FROM known_divisions WHERE code = ANY(@childCodes)", new { childCodes }, cancellationToken: cancellationToken))).ToDictionary(d => d.Code, d => d.Name);
        var children = rows.GroupBy(r => r.Prefix.PadRight(DivisionCode.Length, '0')).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Summarise(g.Key, names.GetValueOrDefault(g.Key, g.Key), g)).ToList();
        return TypedResults.Ok(new RollUpView(year, Summarise(divisionCode, names.GetValueOrDefault(divisionCode, divisionCode), rows), children));
    }

    private static DivisionSummary Summarise(string code, string name, IEnumerable<Row> rows)
    {
        var list = rows.ToList();
        return new DivisionSummary(code, name, list.Sum(r => r.VillageYears), list.Sum(r => r.Members), list.Sum(r => r.Eligible), list.Sum(r => r.Amount),
            list.Sum(r => r.PaidAmount), list.Sum(r => r.CreditedAmount),
            list.GroupBy(r => r.State).ToDictionary(g => g.Key, g => g.Sum(r => r.VillageYears)));
    }
}
