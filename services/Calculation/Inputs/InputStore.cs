using System.Text.Json;
using Dapper;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Crypto;

namespace Calculation.Inputs;

/// <summary>
/// The calculation's copies of its inputs (policy years, terms in force, pilot statuses, rosters,
/// contribution batches and their chunks), each written inside the consumer's unit of work as the
/// event arrives.
/// </summary>
public static class InputStore
{
    private const string PolicyYearSql = """
        INSERT INTO policy_years (region_code, year, tiers, special_tier, contribution_deadline,
            notice_days, cap, version)
        VALUES (@RegionCode, @Year, @Tiers, @SpecialTier, @ContributionDeadline, @NoticeDays, @Cap, @Version)
        ON CONFLICT (region_code, year) DO UPDATE SET tiers = excluded.tiers, special_tier =
            excluded.special_tier,
            contribution_deadline = excluded.contribution_deadline, notice_days = excluded.notice_days, cap = excluded.cap, version = excluded.version
        WHERE policy_years.version < excluded.version
        """;

    private const string SchemeTermsSql = """
        INSERT INTO schemes_in_force (village_code, year, scheme_id, terms, version)
        VALUES (@VillageCode, @Year, @SchemeId, CAST(@Terms AS jsonb), @Version)
        ON CONFLICT (village_code, year) DO UPDATE SET scheme_id = excluded.scheme_id, terms =
            excluded.terms, version = excluded.version
        WHERE schemes_in_force.scheme_id <> excluded.scheme_id OR schemes_in_force.version < excluded.version
        """;

    private const string PilotStatusSql = """
        INSERT INTO pilot_status (village_code, status, effective_date, version) VALUES
            (@VillageCode, @Status, @EffectiveDate, @Version)
        ON CONFLICT (village_code) DO UPDATE SET status = excluded.status, effective_date =
            excluded.effective_date, version = excluded.version
        WHERE pilot_status.version < excluded.version
        """;

    private const string RosterSql = """
        INSERT INTO rosters (village_code, year, batch_id, members_sealed) VALUES (@VillageCode, @Year,
            @BatchId, @Members)
        ON CONFLICT (village_code, year) DO UPDATE SET batch_id = excluded.batch_id, members_sealed =
            excluded.members_sealed, members = NULL;
        -- Villages sharing a member with the old or the new roster may gain or lose DUPLICATE_MEMBERSHIP.
        INSERT INTO pending_village_years (village_code, year)
        SELECT DISTINCT o.village_code, o.year FROM roster_members o
        WHERE o.year = @Year AND o.village_code <> @VillageCode
          AND o.id_index IN (SELECT id_index FROM roster_members WHERE village_code = @VillageCode
              AND year = @Year UNION SELECT unnest(@Ids))
        ON CONFLICT (village_code, year) DO UPDATE SET since = pending_village_years.since;
        DELETE FROM roster_members WHERE village_code = @VillageCode AND year = @Year;
        INSERT INTO roster_members (year, id_index, village_code) SELECT DISTINCT @Year,
            unnest(@Ids), @VillageCode;
        """;

    private const string BatchSql = """
        INSERT INTO contribution_batches (batch_id, scope_code, year, accepted_at) VALUES (@BatchId,
            @ScopeCode, @Year, @AcceptedAt)
        ON CONFLICT DO NOTHING;
        INSERT INTO batch_villages (batch_id, village_code, chunk_count) SELECT @BatchId, v.code,
            v.chunks FROM unnest(@Codes, @Chunks) AS v(code, chunks)
        ON CONFLICT DO NOTHING;
        """;

    private const string ChunkSql = """
        INSERT INTO contribution_chunks (batch_id, village_code, chunk_index, records_sealed) VALUES
            (@BatchId, @VillageCode, @ChunkIndex, @Records)
        ON CONFLICT DO NOTHING;
        INSERT INTO lump_sum_payments (batch_id, village_code, year, id_index) SELECT @BatchId,
            @VillageCode, @Year, unnest(@LumpSumPayers)
        ON CONFLICT DO NOTHING;
        """;

    /// <summary>The policy year, unless a newer version is held already; the number of rows
    /// changed.</summary>
    public static Task<int> SavePolicyYearAsync(
        UnitOfWork work,
        PolicyYearChanged m,
        CancellationToken cancellationToken
    ) =>
        work.Connection.ExecuteAsync(
            new CommandDefinition(
                PolicyYearSql,
                new
                {
                    m.RegionCode,
                    m.Year,
                    Tiers = m.Tiers.ToArray(),
                    m.SpecialTier,
                    m.ContributionDeadline,
                    m.NoticeDays,
                    m.Cap,
                    m.Version,
                },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );

    /// <summary>
    /// The terms in force, unless the same scheme's same or a newer version is held already; the
    /// number of rows changed.
    /// </summary>
    public static Task<int> SaveSchemeTermsAsync(
        UnitOfWork work,
        SchemeTermsPublished m,
        CancellationToken cancellationToken
    ) =>
        work.Connection.ExecuteAsync(
            new CommandDefinition(
                SchemeTermsSql,
                new
                {
                    m.VillageCode,
                    m.Year,
                    m.SchemeId,
                    Terms = JsonSerializer.Serialize(m, StoredJson.Options),
                    m.Version,
                },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );

    /// <summary>The pilot's status, unless a newer version is held already; the number of rows
    /// changed.</summary>
    public static Task<int> SavePilotStatusAsync(
        UnitOfWork work,
        PilotStatusChanged m,
        CancellationToken cancellationToken
    ) =>
        work.Connection.ExecuteAsync(
            new CommandDefinition(
                PilotStatusSql,
                new
                {
                    m.VillageCode,
                    Status = m.Status.ToString().ToLowerInvariant(),
                    m.EffectiveDate,
                    m.Version,
                },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );

    /// <summary>
    /// The village's roster in place of the one before, its members indexed by ID number, and the
    /// other villages of the year that share a member with either marked.
    /// </summary>
    public static Task SaveRosterAsync(
        UnitOfWork work,
        RosterAccepted m,
        CancellationToken cancellationToken
    ) =>
        work.Connection.ExecuteAsync(
            new CommandDefinition(
                RosterSql,
                new
                {
                    m.VillageCode,
                    m.Year,
                    m.BatchId,
                    Members = PersonalData.Current.SealJson(m.Members),
                    Ids = m.Members.Select(x => PersonalData.Current.IdIndex(x.IdNumber)).ToArray(),
                },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );

    /// <summary>
    /// The accepted batch and how many chunks each of its villages is sent in; a repeat changes
    /// nothing.
    /// </summary>
    public static Task SaveBatchAsync(
        UnitOfWork work,
        ContributionBatchAccepted m,
        CancellationToken cancellationToken
    ) =>
        work.Connection.ExecuteAsync(
            new CommandDefinition(
                BatchSql,
                new
                {
                    m.BatchId,
                    m.ScopeCode,
                    m.Year,
                    m.AcceptedAt,
                    Codes = m.Villages.Select(v => v.VillageCode).ToArray(),
                    Chunks = m.Villages.Select(v => v.Chunks).ToArray(),
                },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );

    /// <summary>
    /// A chunk of a village's contribution records and who in it paid a lump sum; a repeat changes
    /// nothing.
    /// </summary>
    public static Task SaveChunkAsync(
        UnitOfWork work,
        VillageContributions m,
        string[] lumpSumPayers,
        CancellationToken cancellationToken
    ) =>
        work.Connection.ExecuteAsync(
            new CommandDefinition(
                ChunkSql,
                new
                {
                    m.BatchId,
                    m.VillageCode,
                    m.ChunkIndex,
                    m.Year,
                    Records = PersonalData.Current.SealJson(m.Records),
                    LumpSumPayers = lumpSumPayers.Select(PersonalData.Current.IdIndex).ToArray(),
                },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
}
