using Dapper;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Crypto;

namespace Calculation.Inputs;

/// <summary>
/// Marks village-years whose inputs changed, in the same transaction as the change; the calculator
/// takes them up. An existing mark is updated rather than left alone: the update locks it until
/// this transaction commits, so a calculator (claiming with SKIP LOCKED) cannot take the mark and
/// read the inputs before this change is visible.
/// </summary>
public static class Pending
{
    private const string MarkVillagesSql = """
        INSERT INTO pending_village_years (village_code, year) SELECT code, @year FROM
            unnest(@villageCodes) AS code ORDER BY code
        ON CONFLICT (village_code, year) DO UPDATE SET since = pending_village_years.since;
        SELECT pg_notify('calculation', '');
        """;

    private const string MarkScopeSql = """
        INSERT INTO pending_village_years (village_code, year)
        SELECT village_code, year FROM schemes_in_force WHERE starts_with(village_code, @scope) AND
            year >= @fromYear
        UNION SELECT village_code, year FROM village_years WHERE starts_with(village_code, @scope)
            AND year >= @fromYear
        ORDER BY 1, 2
        ON CONFLICT (village_code, year) DO UPDATE SET since = pending_village_years.since;
        SELECT pg_notify('calculation', '');
        """;

    private const string MarkPeopleSql = """
        INSERT INTO pending_village_years (village_code, year)
        SELECT DISTINCT village_code, year FROM roster_members WHERE id_index = ANY(@idNumbers) AND
            year > @afterYear ORDER BY 1, 2
        ON CONFLICT (village_code, year) DO UPDATE SET since = pending_village_years.since;
        SELECT pg_notify('calculation', '');
        """;

    private const string MarkSchemesSql = """
        INSERT INTO pending_village_years (village_code, year)
        SELECT village_code, year FROM schemes_in_force WHERE village_code LIKE @prefix || '%' AND
            (@year::int IS NULL OR year = @year)
        ON CONFLICT (village_code, year) DO UPDATE SET since = pending_village_years.since;
        SELECT pg_notify('calculation', '');
        """;

    public static Task MarkAsync(
        UnitOfWork work,
        string villageCode,
        int year,
        CancellationToken cancellationToken
    ) => MarkVillagesAsync(work, [villageCode], year, cancellationToken);

    /// <summary>
    /// Several villages of a year in one statement, in code order (two transactions marking
    /// overlapping villages then lock them in the same order): marked one village at a time, a
    /// city's batch held all its marks locked while the chunks that followed waited on them.
    /// </summary>
    public static Task MarkVillagesAsync(
        UnitOfWork work,
        IReadOnlyCollection<string> villageCodes,
        int year,
        CancellationToken cancellationToken
    ) =>
        villageCodes.Count == 0
            ? Task.CompletedTask
            : work.Connection.ExecuteAsync(
                new CommandDefinition(
                    MarkVillagesSql,
                    new { villageCodes = villageCodes.ToArray(), year },
                    work.Transaction,
                    cancellationToken: cancellationToken
                )
            );

    /// <summary>
    /// Every village-year of a scope from a year on that the calculation knows (with terms in
    /// force, or settled already): a newer export of the scope replaces the older for all of them.
    /// </summary>
    public static Task MarkScopeAsync(
        UnitOfWork work,
        string scope,
        int fromYear,
        CancellationToken cancellationToken
    ) =>
        work.Connection.ExecuteAsync(
            new CommandDefinition(
                MarkScopeSql,
                new { scope, fromYear },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );

    /// <summary>
    /// The village-years of later years in whose rosters these people are (their 一次性补缴 excludes
    /// them there too).
    /// </summary>
    public static Task MarkPeopleAsync(
        UnitOfWork work,
        IReadOnlyCollection<string> idNumbers,
        int afterYear,
        CancellationToken cancellationToken
    ) =>
        work.Connection.ExecuteAsync(
            new CommandDefinition(
                MarkPeopleSql,
                new
                {
                    idNumbers = idNumbers.Select(PersonalData.Current.IdIndex).ToArray(),
                    afterYear,
                },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );

    /// <summary>
    /// Every village-year with terms in force under a prefix (a village, or a whole region) for a
    /// year (or every year).
    /// </summary>
    public static Task MarkSchemesAsync(
        UnitOfWork work,
        string prefix,
        int? year,
        CancellationToken cancellationToken
    ) =>
        work.Connection.ExecuteAsync(
            new CommandDefinition(
                MarkSchemesSql,
                new { prefix, year },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
}
