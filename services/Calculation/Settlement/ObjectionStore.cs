using Dapper;
using Npgsql;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Crypto;

namespace Calculation.Settlement;

/// <summary>An objection as lists show it: the member's number masked, their key to find them among
/// the results.</summary>
public sealed record ObjectionView(
    Guid Id,
    string MemberKey,
    string IdNumber,
    string Complaint,
    string FiledBy,
    DateOnly FiledOn,
    string State,
    decimal? AdjustedAmount,
    string? Resolution,
    string? ResolvedBy
);

/// <summary>What an upheld objection is checked against: the run's cap and budget, its total and
/// the member's amount now.</summary>
public sealed record UpholdBasis(
    decimal Cap,
    decimal Budget,
    decimal Total,
    decimal CurrentAmount,
    Guid RunId,
    byte[] IdIndex
);

/// <summary>An objection as stored: the member's ID number sealed.</summary>
internal sealed record StoredObjection(
    Guid Id,
    byte[] IdSealed,
    byte[] IdIndex,
    string Complaint,
    string FiledBy,
    DateOnly FiledOn,
    string State,
    decimal? AdjustedAmount,
    string? Resolution,
    string? ResolvedBy
)
{
    public ObjectionView ToView() =>
        new(
            Id,
            PersonalData.MemberKeyOf(IdIndex),
            Subsidy.Contracts.IdNumber.Mask(PersonalData.Current.OpenText(IdSealed)),
            Complaint,
            FiledBy,
            FiledOn,
            State,
            AdjustedAmount,
            Resolution,
            ResolvedBy
        );
}

/// <summary>The objections of a village-year's notice (异议), read and written inside the steps that
/// file and resolve them.</summary>
public static class ObjectionStore
{
    private const string ListSql = """
        SELECT id, id_sealed, id_index, complaint, filed_by, filed_on, state, adjusted_amount, resolution, resolved_by
        FROM objections WHERE village_code = @VillageCode AND year = @Year ORDER BY filed_at, id
        """;

    private const string NoticeSql = """
        SELECT v.notice_start, v.notice_end, v.run_id,
               EXISTS (SELECT 1 FROM member_results m WHERE m.run_id = v.run_id AND m.id_index = @IdIndex)
        FROM village_years v WHERE v.village_code = @VillageCode AND v.year = @Year
        """;

    private const string InsertSql = """
        INSERT INTO objections (id, village_code, year, run_id, id_sealed, id_index, complaint,
            filed_by, filed_on, state)
        VALUES (@Id, @VillageCode, @Year, @RunId, @IdSealed, @IdIndex, @Complaint, @FiledBy, @Today, 'open')
        """;

    private const string OpenStateSql =
        "SELECT state FROM objections WHERE id = @Id AND village_code = @VillageCode AND year = @Year FOR UPDATE";

    private const string MemberSql = "SELECT id_sealed FROM objections WHERE id = @Id";

    private const string UpholdBasisSql = """
        SELECT r.cap, r.budget, r.amount AS total,
               (SELECT coalesce(m.adjusted_subsidy, m.subsidy) FROM member_results m WHERE m.run_id
                   = o.run_id AND m.id_index = o.id_index) AS current_amount,
               o.run_id, o.id_index
        FROM objections o JOIN calculation_runs r ON r.id = o.run_id WHERE o.id = @Id
        """;

    /// <summary>The member's amount becomes the adjusted one, and the run's totals follow
    /// it.</summary>
    private const string UpholdSql = """
        UPDATE objections SET state = 'upheld', adjusted_amount = @Amount, resolution = @Reason,
            resolved_by = @By, resolved_at = now() WHERE id = @Id;
        UPDATE member_results SET adjusted_subsidy = @Amount, objection_id = @Id WHERE run_id =
            @RunId AND id_index = @IdIndex;
        UPDATE calculation_runs r SET (amount, recipients) = (
            SELECT sum(coalesce(m.adjusted_subsidy, m.subsidy)), count(*) FILTER (WHERE
                coalesce(m.adjusted_subsidy, m.subsidy) > 0)
            FROM member_results m WHERE m.run_id = @RunId) WHERE r.id = @RunId;
        """;

    private const string DismissSql =
        "UPDATE objections SET state = 'dismissed', resolution = @Reason, resolved_by = @By, resolved_at = now() WHERE id = @Id";

    public static async Task<IReadOnlyList<ObjectionView>> ListAsync(
        NpgsqlDataSource dataSource,
        string villageCode,
        int year,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (
            await connection.QueryAsync<StoredObjection>(
                new CommandDefinition(
                    ListSql,
                    new { VillageCode = villageCode, Year = year },
                    cancellationToken: cancellationToken
                )
            )
        )
            .Select(o => o.ToView())
            .ToList();
    }

    /// <summary>The notice's period and run, and whether the member is listed in it.</summary>
    public static Task<(DateOnly Start, DateOnly End, Guid RunId, bool Listed)> NoticeAsync(
        StepContext step,
        string idNumber
    ) =>
        step.QuerySingleAsync<(DateOnly, DateOnly, Guid, bool)>(
            NoticeSql,
            new
            {
                IdIndex = PersonalData.Current.IdIndex(idNumber),
                step.VillageCode,
                step.Year,
            }
        );

    public static Task FileAsync(StepContext step, Guid runId, string idNumber, string complaint) =>
        step.ExecuteAsync(
            InsertSql,
            new
            {
                Id = Guid.CreateVersion7(),
                step.VillageCode,
                step.Year,
                RunId = runId,
                IdSealed = PersonalData.Current.Seal(idNumber),
                IdIndex = PersonalData.Current.IdIndex(idNumber),
                Complaint = complaint,
                FiledBy = step.Caller.UserId,
                step.Today,
            }
        );

    /// <summary>The objection's state, locked for the step; null when the village-year has no such
    /// objection.</summary>
    public static Task<string?> StateForUpdateAsync(StepContext step, Guid id) =>
        step.QuerySingleOrDefaultAsync<string>(
            OpenStateSql,
            new
            {
                Id = id,
                step.VillageCode,
                step.Year,
            }
        );

    public static async Task<string?> MemberAsync(
        UnitOfWork work,
        Guid id,
        CancellationToken cancellationToken
    ) =>
        PersonalData.Current.OpenTextOrNull(
            await work.Connection.QuerySingleOrDefaultAsync<byte[]>(
                new CommandDefinition(
                    MemberSql,
                    new { Id = id },
                    work.Transaction,
                    cancellationToken: cancellationToken
                )
            )
        );

    public static Task<UpholdBasis> UpholdBasisAsync(StepContext step, Guid id) =>
        step.QuerySingleAsync<UpholdBasis>(UpholdBasisSql, new { Id = id });

    public static Task UpholdAsync(
        StepContext step,
        Guid id,
        UpholdBasis basis,
        decimal amount,
        string reason
    ) =>
        step.ExecuteAsync(
            UpholdSql,
            new
            {
                Amount = amount,
                Reason = reason,
                By = step.Caller.UserId,
                Id = id,
                basis.RunId,
                basis.IdIndex,
            }
        );

    public static Task DismissAsync(StepContext step, Guid id, string reason) =>
        step.ExecuteAsync(
            DismissSql,
            new
            {
                Reason = reason,
                By = step.Caller.UserId,
                Id = id,
            }
        );
}
