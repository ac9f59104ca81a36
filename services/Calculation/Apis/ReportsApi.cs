using Calculation.Reports;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData.Divisions;
using Subsidy.ServiceDefaults.Auth;

namespace Calculation.Apis;

public sealed record DivisionSummary(
    string Code,
    string Name,
    int VillageYears,
    int Members,
    int Eligible,
    decimal Amount,
    decimal PaidAmount,
    decimal CreditedAmount,
    IReadOnlyDictionary<string, int> States
);

public sealed record RollUpView(
    int Year,
    DivisionSummary Division,
    IReadOnlyList<DivisionSummary> Children
);

/// <summary>
/// 汇总: a township's villages, a county's townships, a city's counties (a province's cities) for one
/// year.
/// </summary>
public static class ReportsApi
{
    public static RouteGroupBuilder MapReportsApi(this RouteGroupBuilder group)
    {
        group.MapGet("/summaries/{divisionCode}/{year:int}", RollUp);
        return group;
    }

    public static async Task<Results<Ok<RollUpView>, ProblemHttpResult>> RollUp(
        string divisionCode,
        int year,
        HttpContext http,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (!caller.Covers(divisionCode))
            return Problems.OutOfScope(caller, divisionCode);
        if (DivisionCode.LevelOf(divisionCode) is not { } level)
            return Problems.NotFound($"区划代码 {divisionCode} 无效。");
        var prefix = DivisionCode.ScopePrefix(divisionCode);
        var childLength = DivisionCode.ChildPrefixLength(level);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await ReportQueries.RollUpAsync(
            connection,
            childLength,
            year,
            prefix,
            cancellationToken
        );
        var childCodes = rows.Select(ChildCode).Distinct().Append(divisionCode).ToArray();
        var names = (
            await DivisionReplica.FindAllAsync(connection, null, childCodes, cancellationToken)
        ).ToDictionary(d => d.Key, d => d.Value.Name);
        var children = rows.GroupBy(ChildCode)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Summarise(g.Key, names.GetValueOrDefault(g.Key, g.Key), g))
            .ToList();
        var division = Summarise(
            divisionCode,
            names.GetValueOrDefault(divisionCode, divisionCode),
            rows
        );
        return TypedResults.Ok(new RollUpView(year, division, children));
    }

    private static string ChildCode(RollUpRow row) => row.Prefix.PadRight(DivisionCode.Length, '0');

    private static DivisionSummary Summarise(string code, string name, IEnumerable<RollUpRow> rows)
    {
        var list = rows.ToList();
        return new DivisionSummary(
            code,
            name,
            list.Sum(r => r.VillageYears),
            list.Sum(r => r.Members),
            list.Sum(r => r.Eligible),
            list.Sum(r => r.Amount),
            list.Sum(r => r.PaidAmount),
            list.Sum(r => r.CreditedAmount),
            list.GroupBy(r => r.State).ToDictionary(g => g.Key, g => g.Sum(r => r.VillageYears))
        );
    }
}
