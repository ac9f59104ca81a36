using Calculation.Rules;
using Calculation.Settlement;
using Dapper;
using NpgsqlTypes;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Crypto;

namespace Calculation.Inputs;

/// <summary>A run as recorded: what went in (fingerprint and provenance), what came out, how long
/// it took.</summary>
public sealed record RunRecord(
    Guid Id,
    string VillageCode,
    int Year,
    string Fingerprint,
    IReadOnlyList<MemberResult> Results,
    int DurationMs,
    SchemeTermsPublished Scheme,
    PolicyYearRow Policy,
    Guid BatchId,
    IReadOnlyList<Guid> LumpSumBatches,
    Guid? RosterBatchId
);

/// <summary>Where the calculator writes: village-year states, and runs with every member's
/// result.</summary>
public static class RunStore
{
    private const string WaitSql = $"""
        INSERT INTO village_years (village_code, year, state) VALUES (@village, @year,
            '{SettlementStates.WaitingForInputs}')
        ON CONFLICT (village_code, year) DO UPDATE SET state = excluded.state
        """;

    // Halted village-years were suspended by the pilot's event; one first seen now waits for inputs
    // once resumed.
    private const string SuspendNewSql = $"""
        INSERT INTO village_years (village_code, year, state, suspended_from) VALUES (@village,
            @year, '{SettlementStates.Suspended}', '{SettlementStates.WaitingForInputs}')
        ON CONFLICT (village_code, year) DO NOTHING
        """;

    private const string ResumeSql =
        $"UPDATE village_years SET state = '{SettlementStates.Calculated}', stale = false WHERE village_code = @village AND year = @year";

    private const string MarkStaleSql =
        "UPDATE village_years SET stale = true WHERE village_code = @village AND year = @year";

    private const string InsertRunSql = """
        INSERT INTO calculation_runs (id, village_code, year, fingerprint, members, eligible, total,
            amount, recipients, duration_ms, budget, cap,
                                      organisation_name, credit_code, batch_id, lump_sum_batches, roster_batch_id, scheme_id, scheme_version, policy_region, policy_version)
        VALUES (@Id, @VillageCode, @Year, @Fingerprint, @members, @eligible, @total, @total,
            @recipients, @DurationMs, @budget, @cap,
                @organisation, @creditCode, @BatchId, @lumpSumBatches, @RosterBatchId, @schemeId, @schemeVersion, @policyRegion, @policyVersion)
        """;

    private const string CalculatedSql = $"""
        INSERT INTO village_years (village_code, year, state, run_id) VALUES (@VillageCode, @Year,
            '{SettlementStates.Calculated}', @Id)
        ON CONFLICT (village_code, year) DO UPDATE SET state = excluded.state, run_id =
            excluded.run_id, stale = false
        """;

    private const string CopySql = """
        COPY member_results (run_id, person, id_index, exclusion, own, tier, special_group, floor,
            incentive, floor_part, incentive_part, subsidy, flags)
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>The village-year waits for its inputs, unless it is settled beyond recalculation
    /// already: then it stays where it is.</summary>
    public static async Task<string> WaitAsync(
        UnitOfWork work,
        VillageYearInputs inputs,
        CancellationToken cancellationToken
    )
    {
        if (inputs.Current is { } known && !SettlementStates.Recalculates(known.State))
            return known.State;
        await ExecuteAsync(work, WaitSql, inputs, cancellationToken);
        return SettlementStates.WaitingForInputs;
    }

    public static async Task<string> SuspendedAsync(
        UnitOfWork work,
        VillageYearInputs inputs,
        CancellationToken cancellationToken
    )
    {
        if (inputs.Current is null)
            await ExecuteAsync(work, SuspendNewSql, inputs, cancellationToken);
        return SettlementStates.Suspended;
    }

    public static async Task<string> ResumeAsync(
        UnitOfWork work,
        VillageYearInputs inputs,
        CancellationToken cancellationToken
    )
    {
        await ExecuteAsync(work, ResumeSql, inputs, cancellationToken);
        return SettlementStates.Calculated;
    }

    public static async Task<string> MarkStaleAsync(
        UnitOfWork work,
        VillageYearInputs inputs,
        CancellationToken cancellationToken
    )
    {
        await ExecuteAsync(work, MarkStaleSql, inputs, cancellationToken);
        return inputs.Current!.State;
    }

    public static async Task<string> SaveAsync(
        UnitOfWork work,
        RunRecord run,
        CancellationToken cancellationToken
    )
    {
        await work.Connection.ExecuteAsync(
            new CommandDefinition(
                InsertRunSql,
                new
                {
                    run.Id,
                    run.VillageCode,
                    run.Year,
                    run.Fingerprint,
                    run.DurationMs,
                    run.BatchId,
                    run.RosterBatchId,
                    members = run.Results.Count,
                    eligible = run.Results.Count(r => r.Exclusion is null),
                    recipients = run.Results.Count(r => r.Subsidy > 0),
                    total = run.Results.Sum(r => r.Subsidy),
                    budget = run.Scheme.Budget,
                    cap = run.Policy.Cap,
                    organisation = run.Scheme.OrganisationName,
                    creditCode = run.Scheme.CreditCode,
                    lumpSumBatches = run.LumpSumBatches.ToArray(),
                    schemeId = run.Scheme.SchemeId,
                    schemeVersion = run.Scheme.Version,
                    policyRegion = run.Policy.RegionCode,
                    policyVersion = run.Policy.Version,
                },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
        await WriteResultsAsync(work, run, cancellationToken);
        await work.Connection.ExecuteAsync(
            new CommandDefinition(
                CalculatedSql,
                run,
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
        return SettlementStates.Calculated;
    }

    private static Task ExecuteAsync(
        UnitOfWork work,
        string sql,
        VillageYearInputs inputs,
        CancellationToken cancellationToken
    ) =>
        work.Connection.ExecuteAsync(
            new CommandDefinition(
                sql,
                new { village = inputs.VillageCode, year = inputs.Year },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );

    /// <summary>
    /// A city-sized year is hundreds of thousands of results: binary COPY instead of one INSERT per
    /// member. The writes are synchronous: the importer buffers and flushes in large blocks, and an
    /// awaited call per field cost more than the copying itself. This runs on the calculator's
    /// worker, never on a request thread.
    /// </summary>
    private static async Task WriteResultsAsync(
        UnitOfWork work,
        RunRecord run,
        CancellationToken cancellationToken
    )
    {
        await using var writer = await work.Connection.BeginBinaryImportAsync(
            CopySql,
            cancellationToken
        );
        foreach (var r in run.Results)
        {
            writer.StartRow();
            writer.Write(run.Id, NpgsqlDbType.Uuid);
            writer.Write(PersonalData.Current.SealPerson(r.Name, r.IdNumber), NpgsqlDbType.Bytea);
            writer.Write(PersonalData.Current.IdIndex(r.IdNumber), NpgsqlDbType.Bytea);
            if (r.Exclusion is { } exclusion)
                writer.Write(ResultCodes.Of(exclusion), NpgsqlDbType.Text);
            else
                writer.WriteNull();
            writer.Write(r.OwnContribution, NpgsqlDbType.Numeric);
            if (r.Tier is { } tier)
                writer.Write(tier, NpgsqlDbType.Numeric);
            else
                writer.WriteNull();
            if (r.Group is { } group)
                writer.Write(SpecialGroups.Code(group), NpgsqlDbType.Text);
            else
                writer.WriteNull();
            writer.Write(r.Floor, NpgsqlDbType.Numeric);
            writer.Write(r.Incentive, NpgsqlDbType.Numeric);
            writer.Write(r.FloorPart, NpgsqlDbType.Numeric);
            writer.Write(r.IncentivePart, NpgsqlDbType.Numeric);
            writer.Write(r.Subsidy, NpgsqlDbType.Numeric);
            writer.Write(
                ResultCodes.ListOf(r.Flags).ToArray(),
                NpgsqlDbType.Array | NpgsqlDbType.Text
            );
        }
        await writer.CompleteAsync(cancellationToken);
    }
}
