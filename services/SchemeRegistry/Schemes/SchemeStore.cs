using System.Text.Json;
using Dapper;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Auth;

namespace SchemeRegistry.Schemes;

public sealed record Scheme(
    Guid Id,
    string VillageCode,
    int Year,
    SchemeState State,
    SchemeTerms Terms,
    decimal Budget,
    string? RejectionReason,
    Guid? CarriedOverFrom,
    long Version,
    string CreatedBy,
    DateTime ChangedAt,
    string ChangedBy
)
{
    /// <summary>The steps open to the caller now (<see cref="SchemeWorkflow.AllowedSteps"/>); set on
    /// the way out, never stored.</summary>
    public IReadOnlyList<AllowedStep> AllowedSteps { get; init; } = [];

    public Scheme OfferedTo(Caller caller) =>
        this with
        {
            AllowedSteps = SchemeWorkflow.AllowedSteps(State, caller, VillageCode),
        };

    public SchemeTermsPublished ToTermsEvent() =>
        new(
            Id,
            VillageCode,
            Year,
            State == SchemeState.CarriedOver
                ? SchemeTermsSource.CarriedOver
                : SchemeTermsSource.Approved,
            Terms.MembershipBasis,
            Terms.Stacking,
            Terms.Floors,
            Terms.Incentives,
            Terms.Budget,
            Version,
            Terms.OrganisationName,
            Terms.CreditCode
        );
}

public sealed class SchemeStore(NpgsqlDataSource dataSource)
{
    private const string Columns =
        "id, village_code, year, state, terms::text AS terms, budget, rejection_reason, carried_over_from, version, created_by, changed_at, changed_by";

    private const string FindSql = $"SELECT {Columns} FROM schemes WHERE id = @Id";

    private const string ListSql = $"""
        SELECT {Columns} FROM schemes
        WHERE village_code LIKE @Prefix || '%' AND (@Year::int IS NULL OR year = @Year) AND
            (@State::smallint IS NULL OR state = @State)
        ORDER BY village_code, year, changed_at
        """;

    private const string CurrentSql =
        $"SELECT {Columns} FROM schemes WHERE village_code = @VillageCode AND year = @Year AND state <> @Lapsed";

    private const string InsertSql = $"""
        INSERT INTO schemes (id, village_code, year, state, terms, budget, carried_over_from,
            created_by, changed_by)
        VALUES (@Id, @VillageCode, @Year, @State, CAST(@Terms AS jsonb), @Budget, @CarriedOverFrom,
            @ChangedBy, @ChangedBy)
        RETURNING {Columns}
        """;

    private const string UpdateSql = $"""
        UPDATE schemes SET state = @State, terms = CAST(@Terms AS jsonb), budget = @Budget,
            rejection_reason = @RejectionReason,
            version = version + 1, changed_at = now(), changed_by = @ChangedBy
        WHERE id = @Id
        RETURNING {Columns}
        """;

    // One carry-over at a time, whichever instance runs it: the next waits for it to commit and then
    // finds its villages done (row locks alone would let it see the year still empty and collide).
    private const string CarryOverLockSql = "SELECT pg_advisory_xact_lock(7220031)";

    // Villages whose previous-year terms are in force and that have no terms in force for the year.
    private const string CarryOverCandidatesSql = $"""
        SELECT {Columns} FROM schemes s
        WHERE s.year = @Year - 1 AND s.state = ANY(@InForce) AND s.village_code LIKE @Prefix || '%'
          AND NOT EXISTS (SELECT 1 FROM schemes n WHERE n.village_code = s.village_code AND n.year =
              @Year AND n.state = ANY(@InForce))
        ORDER BY s.village_code
        FOR UPDATE OF s
        """;

    /// <summary>The scheme states the SQL names, as numbers the way the table stores
    /// them.</summary>
    private static readonly short Lapsed = (short)SchemeState.Lapsed;
    private static readonly short[] InForce = SchemeWorkflow
        .InForce.Select(s => (short)s)
        .ToArray();

    private sealed record Row(
        Guid Id,
        string VillageCode,
        int Year,
        short State,
        string Terms,
        decimal Budget,
        string? RejectionReason,
        Guid? CarriedOverFrom,
        long Version,
        string CreatedBy,
        DateTime ChangedAt,
        string ChangedBy
    )
    {
        public Scheme ToScheme() =>
            new(
                Id,
                VillageCode,
                Year,
                (SchemeState)State,
                JsonSerializer.Deserialize<SchemeTerms>(Terms, StoredJson.EnumsAsCodes)!,
                Budget,
                RejectionReason,
                CarriedOverFrom,
                Version,
                CreatedBy,
                ChangedAt,
                ChangedBy
            );
    }

    public async Task<Scheme?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (
            await connection.QuerySingleOrDefaultAsync<Row>(
                new CommandDefinition(
                    FindSql,
                    new { Id = id },
                    cancellationToken: cancellationToken
                )
            )
        )?.ToScheme();
    }

    public async Task<IReadOnlyList<Scheme>> ListAsync(
        string prefix,
        int? year,
        SchemeState? state,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(
            new CommandDefinition(
                ListSql,
                new
                {
                    Prefix = prefix,
                    Year = year,
                    State = (short?)state,
                },
                cancellationToken: cancellationToken
            )
        );
        return rows.Select(r => r.ToScheme()).ToList();
    }

    public async Task<Scheme?> CurrentAsync(
        string villageCode,
        int year,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (
            await connection.QuerySingleOrDefaultAsync<Row>(
                new CommandDefinition(
                    CurrentSql,
                    new
                    {
                        VillageCode = villageCode,
                        Year = year,
                        Lapsed,
                    },
                    cancellationToken: cancellationToken
                )
            )
        )?.ToScheme();
    }

    private const string VillagesOfSql =
        "SELECT id, village_code FROM schemes WHERE id = ANY(@Ids)";

    /// <summary>The village of each scheme that exists among <paramref name="ids"/>.</summary>
    public static async Task<Dictionary<Guid, string>> VillagesOfAsync(
        Npgsql.NpgsqlDataSource dataSource,
        IReadOnlyList<Guid> ids,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (
            await connection.QueryAsync<(Guid Id, string VillageCode)>(
                new CommandDefinition(
                    VillagesOfSql,
                    new { Ids = ids.ToArray() },
                    cancellationToken: cancellationToken
                )
            )
        ).ToDictionary(r => r.Id, r => r.VillageCode);
    }

    public static async Task<Scheme?> FindForUpdateAsync(
        UnitOfWork work,
        Guid id,
        CancellationToken cancellationToken
    ) =>
        (
            await work.Connection.QuerySingleOrDefaultAsync<Row>(
                new CommandDefinition(
                    FindSql + " FOR UPDATE",
                    new { Id = id },
                    work.Transaction,
                    cancellationToken: cancellationToken
                )
            )
        )?.ToScheme();

    /// <summary>The village's live (not lapsed) scheme for a year, locked for the
    /// transaction.</summary>
    public static async Task<Scheme?> CurrentForUpdateAsync(
        UnitOfWork work,
        string villageCode,
        int year,
        CancellationToken cancellationToken
    ) =>
        (
            await work.Connection.QuerySingleOrDefaultAsync<Row>(
                new CommandDefinition(
                    CurrentSql + " FOR UPDATE",
                    new
                    {
                        VillageCode = villageCode,
                        Year = year,
                        Lapsed,
                    },
                    work.Transaction,
                    cancellationToken: cancellationToken
                )
            )
        )?.ToScheme();

    public static async Task<Scheme> InsertAsync(
        UnitOfWork work,
        Caller caller,
        string villageCode,
        int year,
        SchemeState state,
        SchemeTerms terms,
        Guid? carriedOverFrom,
        string action,
        CancellationToken cancellationToken
    )
    {
        var created = (
            await work.Connection.QuerySingleAsync<Row>(
                new CommandDefinition(
                    InsertSql,
                    new
                    {
                        Id = Guid.CreateVersion7(),
                        VillageCode = villageCode,
                        Year = year,
                        State = (short)state,
                        Terms = JsonSerializer.Serialize(terms, StoredJson.EnumsAsCodes),
                        terms.Budget,
                        CarriedOverFrom = carriedOverFrom,
                        ChangedBy = caller.UserId,
                    },
                    work.Transaction,
                    cancellationToken: cancellationToken
                )
            )
        ).ToScheme();
        await work.RecordAsync(
            caller,
            "scheme",
            created.Id.ToString(),
            villageCode,
            action,
            null,
            SchemeWorkflow.StateName(state),
            null,
            cancellationToken
        );
        if (SchemeWorkflow.IsInForce(state))
            await work.PublishAsync(created.ToTermsEvent(), cancellationToken);
        return created;
    }

    /// <summary>
    /// Moves a scheme (and/or replaces its terms), records who, when, from, to and why, and
    /// announces terms that come into force.
    /// </summary>
    public static async Task<Scheme> UpdateAsync(
        UnitOfWork work,
        Caller caller,
        Scheme before,
        SchemeState to,
        SchemeTerms terms,
        string action,
        string? reason,
        CancellationToken cancellationToken
    )
    {
        var updated = (
            await work.Connection.QuerySingleAsync<Row>(
                new CommandDefinition(
                    UpdateSql,
                    new
                    {
                        before.Id,
                        State = (short)to,
                        Terms = JsonSerializer.Serialize(terms, StoredJson.EnumsAsCodes),
                        terms.Budget,
                        RejectionReason = to == SchemeState.Draft
                        && before.State != SchemeState.Draft
                            ? reason
                        : to == SchemeState.Draft ? before.RejectionReason
                        : null,
                        ChangedBy = caller.UserId,
                    },
                    work.Transaction,
                    cancellationToken: cancellationToken
                )
            )
        ).ToScheme();
        await work.RecordAsync(
            caller,
            "scheme",
            before.Id.ToString(),
            before.VillageCode,
            action,
            SchemeWorkflow.StateName(before.State),
            SchemeWorkflow.StateName(to),
            reason,
            cancellationToken
        );
        if (to == SchemeState.CountyApproved)
            await work.PublishAsync(updated.ToTermsEvent(), cancellationToken);
        return updated;
    }

    /// <summary>
    /// Carries last year's terms over for every village under <paramref name="prefix"/> that has no
    /// terms in force for <paramref name="year"/>: open schemes for the year lapse, and a
    /// carried-over copy comes into force.
    /// </summary>
    public static async Task<IReadOnlyList<Scheme>> CarryOverAsync(
        UnitOfWork work,
        Caller caller,
        string prefix,
        int year,
        CancellationToken cancellationToken
    )
    {
        await work.Connection.ExecuteAsync(
            new CommandDefinition(
                CarryOverLockSql,
                transaction: work.Transaction,
                cancellationToken: cancellationToken
            )
        );
        var previous = (
            await work.Connection.QueryAsync<Row>(
                new CommandDefinition(
                    CarryOverCandidatesSql,
                    new
                    {
                        Year = year,
                        Prefix = prefix,
                        InForce,
                    },
                    work.Transaction,
                    cancellationToken: cancellationToken
                )
            )
        ).Select(r => r.ToScheme()).ToList();
        var carried = new List<Scheme>();
        foreach (var last in previous)
        {
            if (
                await CurrentForUpdateAsync(work, last.VillageCode, year, cancellationToken) is
                { } open
            )
            {
                await UpdateAsync(
                    work,
                    caller,
                    open,
                    SchemeState.Lapsed,
                    open.Terms,
                    "lapse",
                    $"未在 {ChangeWindow.LastDayForChanges(year):yyyy年M月d日} 前经县人社局批准，沿用 {year - 1} 年度方案。",
                    cancellationToken
                );
            }
            carried.Add(
                await InsertAsync(
                    work,
                    caller,
                    last.VillageCode,
                    year,
                    SchemeState.CarriedOver,
                    last.Terms,
                    last.Id,
                    "carry-over",
                    cancellationToken
                )
            );
        }
        return carried;
    }
}
