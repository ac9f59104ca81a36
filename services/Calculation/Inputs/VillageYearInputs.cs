using System.Text.Json;
using Calculation.Rules;
using Dapper;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData.Crypto;

namespace Calculation.Inputs;

/// <summary>A policy year as the calculation keeps it (from PolicyYearChanged).</summary>
public sealed class PolicyYearRow
{
    public string RegionCode { get; set; } = "";
    public int Year { get; set; }
    public decimal[] Tiers { get; set; } = [];
    public decimal SpecialTier { get; set; }
    public DateOnly ContributionDeadline { get; set; }
    public int NoticeDays { get; set; }
    public decimal Cap { get; set; }
    public long Version { get; set; }

    public PolicyInput ToInput() => new(Year, Tiers, SpecialTier, ContributionDeadline, Cap);

    public const string CandidatesSql = """
        SELECT region_code AS "RegionCode", year AS "Year", tiers AS "Tiers", special_tier AS "SpecialTier", contribution_deadline AS "ContributionDeadline",
               notice_days AS "NoticeDays", cap AS "Cap", version AS "Version"
        FROM policy_years
        WHERE year = @year AND region_code IN (@county, @province)
        """;

    /// <summary>
    /// The policy year that applies to a village (<see cref="EffectivePolicyYear"/>), or null while
    /// none is known.
    /// </summary>
    public static async Task<PolicyYearRow?> EffectiveAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        string village,
        int year,
        CancellationToken cancellationToken
    )
    {
        var (county, province) = EffectivePolicyYear.RegionsOf(village);
        var candidates = await connection.QueryAsync<PolicyYearRow>(
            new CommandDefinition(
                CandidatesSql,
                new
                {
                    year,
                    county,
                    province,
                },
                transaction,
                cancellationToken: cancellationToken
            )
        );
        return EffectivePolicyYear.Pick(candidates, p => p.RegionCode, village);
    }
}

/// <summary>
/// The export whose records count for a village-year: the latest accepted batch whose scope covers
/// the village.
/// </summary>
public sealed record CurrentBatch(Guid BatchId, int ChunkCount, int ChunksArrived)
{
    public bool Complete => ChunksArrived >= ChunkCount;
}

/// <summary>The village-year as the calculator found it, and its latest run's
/// fingerprint.</summary>
public sealed record CurrentState(string State, Guid? RunId, string? Fingerprint);

/// <summary>
/// What a village-year is calculated from, as far as its presence goes: the scheme in force, the
/// policy year, the pilot, the export that counts for it, the roster, and where the village-year
/// stands. One round trip.
/// </summary>
public sealed class VillageYearInputs
{
    public required string VillageCode { get; init; }
    public required int Year { get; init; }
    public SchemeTermsPublished? Scheme { get; init; }
    public PolicyYearRow? Policy { get; init; }
    public string? PilotStatus { get; init; }
    public CurrentBatch? Batch { get; init; }
    public Guid? RosterBatchId { get; init; }
    public CurrentState? Current { get; init; }

    public InputPresence Presence =>
        new(
            Scheme is not null,
            Scheme?.MembershipBasis,
            Policy is not null,
            PilotStatus,
            Batch is { Complete: true },
            RosterBatchId is not null
        );

    public IReadOnlyList<MissingInput> Missing => Readiness.Missing(Presence);

    /// <summary>The export whose records count for a village and year; parameters @village and
    /// @year.</summary>
    public const string CurrentBatchSql = """
        SELECT b.batch_id AS "BatchId", coalesce(v.chunk_count, 0) AS "ChunkCount",
               (SELECT count(*)::int FROM contribution_chunks c WHERE c.batch_id = b.batch_id AND c.village_code = @village) AS "ChunksArrived"
        FROM contribution_batches b LEFT JOIN batch_villages v ON v.batch_id = b.batch_id AND
            v.village_code = @village
        WHERE b.year = @year AND starts_with(@village, b.scope_code)
        ORDER BY b.accepted_at DESC, b.batch_id DESC
        LIMIT 1
        """;

    private const string PresenceSql = $"""
        SELECT terms::text FROM schemes_in_force WHERE village_code = @village AND year = @year;
        {PolicyYearRow.CandidatesSql};
        SELECT status FROM pilot_status WHERE village_code = @village;
        {CurrentBatchSql};
        SELECT batch_id FROM rosters WHERE village_code = @village AND year = @year;
        """;

    // The calculator locks the village-year last, after its inputs were read: the order every
    // writer of marks and village-years keeps (see Pending).
    private const string CurrentSql = """
        SELECT v.state AS "State", v.run_id AS "RunId", r.fingerprint AS "Fingerprint" FROM village_years v LEFT JOIN calculation_runs r ON r.id = v.run_id
        WHERE v.village_code = @village AND v.year = @year
        """;

    public static async Task<VillageYearInputs> LoadAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        string village,
        int year,
        bool lockVillageYear,
        CancellationToken cancellationToken
    )
    {
        var (county, province) = EffectivePolicyYear.RegionsOf(village);
        var sql = PresenceSql + CurrentSql + (lockVillageYear ? " FOR UPDATE OF v" : "");
        await using var results = await connection.QueryMultipleAsync(
            new CommandDefinition(
                sql,
                new
                {
                    village,
                    year,
                    county,
                    province,
                },
                transaction,
                cancellationToken: cancellationToken
            )
        );
        var schemeJson = await results.ReadSingleOrDefaultAsync<string>();
        var policy = EffectivePolicyYear.Pick(
            await results.ReadAsync<PolicyYearRow>(),
            p => p.RegionCode,
            village
        );
        var pilot = await results.ReadSingleOrDefaultAsync<string>();
        var batch = await results.ReadSingleOrDefaultAsync<CurrentBatch>();
        var roster = await results.ReadSingleOrDefaultAsync<Guid?>();
        var current = await results.ReadSingleOrDefaultAsync<CurrentState>();
        return new VillageYearInputs
        {
            VillageCode = village,
            Year = year,
            Scheme = schemeJson is null
                ? null
                : JsonSerializer.Deserialize<SchemeTermsPublished>(schemeJson, StoredJson.Options),
            Policy = policy,
            PilotStatus = pilot,
            Batch = batch,
            RosterBatchId = roster,
            Current = current,
        };
    }
}

/// <summary>The records, members and the people's standing elsewhere that a village-year's rules
/// run on.</summary>
public sealed record VillageYearData(
    IReadOnlyList<Member> Members,
    IReadOnlyList<ContributionRecord> Records,
    Elsewhere Elsewhere,
    IReadOnlyList<Guid> LumpSumBatches
)
{
    private const string RecordsSql = """
        SELECT records_sealed FROM contribution_chunks WHERE batch_id = @batchId AND village_code =
            @village ORDER BY chunk_index;
        SELECT members_sealed FROM rosters WHERE village_code = @village AND year = @year;
        """;

    // A 一次性补缴 counts from the export that counts for its village and year now (a superseded one no
    // longer does).
    private const string ElsewhereSql = """
        SELECT DISTINCT id_index FROM roster_members WHERE year = @year AND village_code <>
            @village AND id_index = ANY(@ids);
        SELECT l.id_index, l.batch_id FROM lump_sum_payments l
        WHERE l.id_index = ANY(@ids) AND l.year <= @year
          AND l.batch_id = (SELECT c.batch_id FROM contribution_batches c WHERE c.year = l.year AND
              starts_with(l.village_code, c.scope_code)
                            ORDER BY c.accepted_at DESC, c.batch_id DESC LIMIT 1);
        """;

    public static async Task<VillageYearData> LoadAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        VillageYearInputs inputs,
        CancellationToken cancellationToken
    )
    {
        var (village, year) = (inputs.VillageCode, inputs.Year);
        List<ContributionRecord> records = [];
        List<RosterMember> roster = [];
        var recordsCommand = new CommandDefinition(
            RecordsSql,
            new
            {
                batchId = inputs.Batch!.BatchId,
                village,
                year,
            },
            transaction,
            cancellationToken: cancellationToken
        );
        await using (var results = await connection.QueryMultipleAsync(recordsCommand))
        {
            foreach (var chunk in await results.ReadAsync<byte[]>())
            {
                records.AddRange(PersonalData.Current.OpenJson<List<ContributionRecord>>(chunk));
            }
            if (await results.ReadSingleOrDefaultAsync<byte[]>() is { } members)
            {
                roster = PersonalData.Current.OpenJson<List<RosterMember>>(members);
            }
        }
        var byRoster = inputs.Scheme!.MembershipBasis == MembershipBasis.Roster;
        // The database knows ID numbers by their blind index only: asked by index, it answers by
        // index, read back here.
        var people = (byRoster ? roster.Select(m => m.IdNumber) : records.Select(r => r.IdNumber))
            .Distinct()
            .Select(id => (Id: id, Index: PersonalData.Current.IdIndex(id)))
            .ToList();
        var ids = people.Select(p => p.Index).ToArray();
        var byIndex = people.ToDictionary(p => Convert.ToHexString(p.Index), p => p.Id);
        HashSet<string> otherVillages;
        List<(string IdNumber, Guid BatchId)> lumpSums;
        var elsewhereCommand = new CommandDefinition(
            ElsewhereSql,
            new
            {
                village,
                year,
                ids,
            },
            transaction,
            cancellationToken: cancellationToken
        );
        await using (var results = await connection.QueryMultipleAsync(elsewhereCommand))
        {
            otherVillages = (await results.ReadAsync<byte[]>())
                .Select(index => byIndex[Convert.ToHexString(index)])
                .ToHashSet(StringComparer.Ordinal);
            lumpSums = (await results.ReadAsync<(byte[] Index, Guid BatchId)>())
                .Select(l => (byIndex[Convert.ToHexString(l.Index)], l.BatchId))
                .ToList();
        }
        return new VillageYearData(
            roster
                .Select(m => new Member(m.IdNumber, m.Name, m.SpecialGroup))
                .OrderBy(m => m.IdNumber, StringComparer.Ordinal)
                .ToList(),
            records
                .OrderBy(r => r.IdNumber, StringComparer.Ordinal)
                .ThenBy(r => r.RowNumber)
                .ToList(),
            new Elsewhere(
                otherVillages,
                lumpSums.Select(l => l.IdNumber).ToHashSet(StringComparer.Ordinal)
            ),
            lumpSums
                .Select(l => l.BatchId)
                .Where(b => b != inputs.Batch.BatchId)
                .Distinct()
                .Order()
                .ToList()
        );
    }
}
