using Dapper;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData.Crypto;

namespace Calculation.Statements;

/// <summary>One resident's row in a village-year's current result.</summary>
public sealed class StatementMember
{
    public string Name { get; private set; } = "";

    public byte[] Person
    {
        set => Name = PersonalData.Current.OpenPerson(value).Name;
    }

    public string? SpecialGroup { get; set; }
    public string? Exclusion { get; set; }
    public decimal? Tier { get; set; }
    public decimal Own { get; set; }
    public decimal Amount { get; set; }
    public bool Prorated { get; set; }
}

/// <summary>
/// What a resident's statement is worked out from: their result (null when the village-year's
/// result does not list them), the terms in force as stored (null when none are), and every
/// credited year of theirs in any village.
/// </summary>
public sealed record StatementData(
    StatementMember? Member,
    string? Terms,
    IReadOnlyList<CreditedYear> Credited
);

/// <summary>The reads behind 算清经济账 (<see cref="StatementsApi"/>), in one round trip.</summary>
public static class StatementQueries
{
    private const string MemberSql = """
        SELECT m.person, m.special_group, m.exclusion, m.tier, m.own, coalesce(m.adjusted_subsidy, m.subsidy)
            AS amount, 'BUDGET_PRORATED' = ANY(m.flags) AS prorated
        FROM village_years v JOIN member_results m ON m.run_id = v.run_id
        WHERE v.village_code = @villageCode AND v.year = @year AND m.id_index = @idIndex;
        SELECT terms::text FROM schemes_in_force WHERE village_code = @villageCode AND year = @year;
        SELECT v.year, v.village_code, coalesce(m.adjusted_subsidy, m.subsidy) AS amount
        FROM village_years v JOIN member_results m ON m.run_id = v.run_id
        WHERE v.state = 'credited' AND m.id_index = @idIndex AND coalesce(m.adjusted_subsidy, m.subsidy) > 0
        ORDER BY v.year, v.village_code;
        """;

    public static async Task<StatementData> ReadAsync(
        NpgsqlConnection connection,
        string villageCode,
        int year,
        string idNumber,
        CancellationToken cancellationToken
    )
    {
        var command = new CommandDefinition(
            MemberSql,
            new
            {
                villageCode,
                year,
                idIndex = PersonalData.Current.IdIndex(idNumber),
            },
            cancellationToken: cancellationToken
        );
        await using var results = await connection.QueryMultipleAsync(command);
        var member = await results.ReadSingleOrDefaultAsync<StatementMember>();
        var terms = await results.ReadSingleOrDefaultAsync<string>();
        var credited = (await results.ReadAsync<(int Year, string VillageCode, decimal Amount)>())
            .Select(c => new CreditedYear(c.Year, c.VillageCode, c.Amount))
            .ToList();
        return new StatementData(member, terms, credited);
    }
}
