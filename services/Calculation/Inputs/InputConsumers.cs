using System.Text.Json;
using Dapper;
using Npgsql;
using Calculation.Settlement;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Messaging;
using Subsidy.ServiceDefaults.Time;

namespace Calculation.Inputs;

/// <summary>
/// Marks village-years whose inputs changed, in the same transaction as the change; the calculator takes them up.
/// An existing mark is updated rather than left alone: the update locks it until this transaction commits, so a
/// calculator (claiming with SKIP LOCKED) cannot take the mark and read the inputs before this change is visible.
/// </summary>
public static class Pending
{
    public static Task MarkAsync(UnitOfWork work, string villageCode, int year, CancellationToken cancellationToken) =>
        MarkVillagesAsync(work, [villageCode], year, cancellationToken);

    /// <summary>
    /// Several villages of a year in one statement, in code order (two transactions marking overlapping villages
    /// then lock them in the same order): marked one village at a time, a city's batch held all its marks locked
    /// while the chunks that followed waited on them.
    /// </summary>
    public static Task MarkVillagesAsync(UnitOfWork work, IReadOnlyCollection<string> villageCodes, int year, CancellationToken cancellationToken) =>
        villageCodes.Count == 0 ? Task.CompletedTask : work.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO pending_village_years (village_code, year) SELECT code, @year FROM unnest(@villageCodes) AS code ORDER BY code
            ON CONFLICT (village_code, year) DO UPDATE SET since = pending_village_years.since;
            SELECT pg_notify('calculation', '');
            """, new { villageCodes = villageCodes.ToArray(), year }, work.Transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// Every village-year of a scope from a year on that the calculation knows (with terms in force, or settled
    /// already): a newer export of the scope replaces the older for all of them.
    /// </summary>
    public static Task MarkScopeAsync(UnitOfWork work, string scope, int fromYear, CancellationToken cancellationToken) =>
        work.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO pending_village_years (village_code, year)
            SELECT village_code, year FROM schemes_in_force WHERE starts_with(village_code, @scope) AND year >= @fromYear
            UNION SELECT village_code, year FROM village_years WHERE starts_with(village_code, @scope) AND year >= @fromYear
            ORDER BY 1, 2
            ON CONFLICT (village_code, year) DO UPDATE SET since = pending_village_years.since;
            SELECT pg_notify('calculation', '');
            """, new { scope, fromYear }, work.Transaction, cancellationToken: cancellationToken));

    /// <summary>The village-years of later years in whose rosters these people are (their 一次性补缴 excludes them there too).</summary>
    public static Task MarkPeopleAsync(UnitOfWork work, IReadOnlyCollection<string> idNumbers, int afterYear, CancellationToken cancellationToken) =>
        work.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO pending_village_years (village_code, year)
            SELECT DISTINCT village_code, year FROM roster_members WHERE id_number = ANY(@idNumbers) AND year > @afterYear ORDER BY 1, 2
            ON CONFLICT (village_code, year) DO UPDATE SET since = pending_village_years.since;
            SELECT pg_notify('calculation', '');
            """, new { idNumbers = idNumbers.ToArray(), afterYear }, work.Transaction, cancellationToken: cancellationToken));

    /// <summary>Every village-year with terms in force under a prefix (a village, or a whole region) for a year (or every year).</summary>
    public static Task MarkSchemesAsync(UnitOfWork work, string prefix, int? year, CancellationToken cancellationToken) =>
        work.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO pending_village_years (village_code, year)
            SELECT village_code, year FROM schemes_in_force WHERE village_code LIKE @prefix || '%' AND (@year::int IS NULL OR year = @year)
            ON CONFLICT (village_code, year) DO UPDATE SET since = pending_village_years.since;
            SELECT pg_notify('calculation', '');
            """, new { prefix, year }, work.Transaction, cancellationToken: cancellationToken));
}

public sealed class PolicyYearConsumer(NpgsqlDataSource dataSource) : IdempotentConsumer<PolicyYearChanged>(dataSource)
{
    protected override async Task HandleAsync(PolicyYearChanged m, UnitOfWork work, CancellationToken cancellationToken)
    {
        var changed = await work.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO policy_years (region_code, year, tiers, special_tier, contribution_deadline, notice_days, cap, version)
            VALUES (@RegionCode, @Year, @Tiers, @SpecialTier, @ContributionDeadline, @NoticeDays, @Cap, @Version)
            ON CONFLICT (region_code, year) DO UPDATE SET tiers = excluded.tiers, special_tier = excluded.special_tier,
                contribution_deadline = excluded.contribution_deadline, notice_days = excluded.notice_days, cap = excluded.cap, version = excluded.version
            WHERE policy_years.version < excluded.version
            """, new { m.RegionCode, m.Year, Tiers = m.Tiers.ToArray(), m.SpecialTier, m.ContributionDeadline, m.NoticeDays, m.Cap, m.Version }, work.Transaction, cancellationToken: cancellationToken));
        if (changed > 0) await Pending.MarkSchemesAsync(work, DivisionCode.ScopePrefix(m.RegionCode), m.Year, cancellationToken);
    }
}

public sealed class SchemeTermsConsumer(NpgsqlDataSource dataSource) : IdempotentConsumer<SchemeTermsPublished>(dataSource)
{
    protected override async Task HandleAsync(SchemeTermsPublished m, UnitOfWork work, CancellationToken cancellationToken)
    {
        var changed = await work.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO schemes_in_force (village_code, year, scheme_id, terms, version)
            VALUES (@VillageCode, @Year, @SchemeId, CAST(@Terms AS jsonb), @Version)
            ON CONFLICT (village_code, year) DO UPDATE SET scheme_id = excluded.scheme_id, terms = excluded.terms, version = excluded.version
            WHERE schemes_in_force.scheme_id <> excluded.scheme_id OR schemes_in_force.version < excluded.version
            """, new { m.VillageCode, m.Year, m.SchemeId, Terms = JsonSerializer.Serialize(m, StoredJson.Options), m.Version }, work.Transaction, cancellationToken: cancellationToken));
        if (changed > 0) await Pending.MarkAsync(work, m.VillageCode, m.Year, cancellationToken);
    }
}

public sealed class PilotStatusConsumer(NpgsqlDataSource dataSource, BusinessClock clock) : IdempotentConsumer<PilotStatusChanged>(dataSource)
{
    protected override async Task HandleAsync(PilotStatusChanged m, UnitOfWork work, CancellationToken cancellationToken)
    {
        var changed = await work.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO pilot_status (village_code, status, effective_date, version) VALUES (@VillageCode, @Status, @EffectiveDate, @Version)
            ON CONFLICT (village_code) DO UPDATE SET status = excluded.status, effective_date = excluded.effective_date, version = excluded.version
            WHERE pilot_status.version < excluded.version
            """, new { m.VillageCode, Status = m.Status.ToString().ToLowerInvariant(), m.EffectiveDate, m.Version }, work.Transaction, cancellationToken: cancellationToken));
        if (changed == 0) return;
        // The marks first, then the village-years: the calculator holds a claimed mark while it locks its village-year,
        // so taking them the other way round deadlocked with a calculation under way.
        await Pending.MarkSchemesAsync(work, m.VillageCode, null, cancellationToken);
        if (m.Status == PilotStatus.Suspended) await Suspension.HaltAsync(work, m.VillageCode, m.Reason, clock.Now, cancellationToken);
        else if (m.Status == PilotStatus.Active) await Suspension.ResumeAsync(work, m.VillageCode, clock.Now, cancellationToken);
    }
}

public sealed class RosterConsumer(NpgsqlDataSource dataSource) : IdempotentConsumer<RosterAccepted>(dataSource)
{
    protected override async Task HandleAsync(RosterAccepted m, UnitOfWork work, CancellationToken cancellationToken)
    {
        await work.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO rosters (village_code, year, batch_id, members) VALUES (@VillageCode, @Year, @BatchId, CAST(@Members AS jsonb))
            ON CONFLICT (village_code, year) DO UPDATE SET batch_id = excluded.batch_id, members = excluded.members;
            -- Villages sharing a member with the old or the new roster may gain or lose DUPLICATE_MEMBERSHIP.
            INSERT INTO pending_village_years (village_code, year)
            SELECT DISTINCT o.village_code, o.year FROM roster_members o
            WHERE o.year = @Year AND o.village_code <> @VillageCode
              AND o.id_number IN (SELECT id_number FROM roster_members WHERE village_code = @VillageCode AND year = @Year UNION SELECT unnest(@Ids))
            ON CONFLICT (village_code, year) DO UPDATE SET since = pending_village_years.since;
            DELETE FROM roster_members WHERE village_code = @VillageCode AND year = @Year;
            INSERT INTO roster_members (year, id_number, village_code) SELECT DISTINCT @Year, unnest(@Ids), @VillageCode;
            """, new { m.VillageCode, m.Year, m.BatchId, Members = JsonSerializer.Serialize(m.Members, StoredJson.Options), Ids = m.Members.Select(x => x.IdNumber).ToArray() },
            work.Transaction, cancellationToken: cancellationToken));
        await Pending.MarkAsync(work, m.VillageCode, m.Year, cancellationToken);
    }
}

/// <summary>
/// A newer accepted export replaces the older one for every village of its scope (docs/design/03-import.md), listed or not: the
/// village-years of the scope are marked, and each finds the latest batch covering it (<see cref="VillageYearInputs"/>).
/// Later years are marked too: a 一次性补缴 in this export (or one no longer in it) changes their rule 3.
/// </summary>
public sealed class BatchAcceptedConsumer(NpgsqlDataSource dataSource) : IdempotentConsumer<ContributionBatchAccepted>(dataSource)
{
    private const string RecordSql = """
        INSERT INTO contribution_batches (batch_id, scope_code, year, accepted_at) VALUES (@BatchId, @ScopeCode, @Year, @AcceptedAt)
        ON CONFLICT DO NOTHING;
        INSERT INTO batch_villages (batch_id, village_code, chunk_count) SELECT @BatchId, v.code, v.chunks FROM unnest(@Codes, @Chunks) AS v(code, chunks)
        ON CONFLICT DO NOTHING;
        """;

    protected override async Task HandleAsync(ContributionBatchAccepted m, UnitOfWork work, CancellationToken cancellationToken)
    {
        await work.Connection.ExecuteAsync(new CommandDefinition(RecordSql, new
        {
            m.BatchId, m.ScopeCode, m.Year, m.AcceptedAt, Codes = m.Villages.Select(v => v.VillageCode).ToArray(), Chunks = m.Villages.Select(v => v.Chunks).ToArray(),
        }, work.Transaction, cancellationToken: cancellationToken));
        await Pending.MarkVillagesAsync(work, m.Villages.Select(v => v.VillageCode).ToList(), m.Year, cancellationToken);
        await Pending.MarkScopeAsync(work, m.ScopeCode, fromYear: m.Year, cancellationToken);
    }
}

public sealed class VillageContributionsConsumer(NpgsqlDataSource dataSource) : IdempotentConsumer<VillageContributions>(dataSource)
{
    private const string StoreSql = """
        INSERT INTO contribution_chunks (batch_id, village_code, chunk_index, records) VALUES (@BatchId, @VillageCode, @ChunkIndex, CAST(@Records AS json))
        ON CONFLICT DO NOTHING;
        INSERT INTO lump_sum_payments (batch_id, village_code, year, id_number) SELECT @BatchId, @VillageCode, @Year, unnest(@LumpSumPayers)
        ON CONFLICT DO NOTHING;
        """;

    protected override async Task HandleAsync(VillageContributions m, UnitOfWork work, CancellationToken cancellationToken)
    {
        var lumpSumPayers = m.Records.Where(r => r.Type == PaymentType.LumpSum).Select(r => r.IdNumber).Distinct().ToArray();
        await work.Connection.ExecuteAsync(new CommandDefinition(StoreSql, new { m.BatchId, m.VillageCode, m.ChunkIndex, m.Year, Records = JsonSerializer.Serialize(m.Records, StoredJson.Options), LumpSumPayers = lumpSumPayers },
            work.Transaction, cancellationToken: cancellationToken));
        await Pending.MarkAsync(work, m.VillageCode, m.Year, cancellationToken);
        if (lumpSumPayers.Length > 0) await Pending.MarkPeopleAsync(work, lumpSumPayers, afterYear: m.Year, cancellationToken);
    }
}
