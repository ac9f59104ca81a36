using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Calculation.Rules;
using Calculation.Settlement;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Data;
using Subsidy.ServiceDefaults.Telemetry;

namespace Calculation.Inputs;

/// <summary>
/// Takes pending village-years one at a time (SKIP LOCKED, so several instances share the villages), loads
/// their inputs, and when they are complete runs the rules and records the run and every member's result.
/// The pending mark is removed in the same transaction as the result, so a crash leaves it pending.
/// </summary>
public sealed partial class VillageYearCalculator(NpgsqlDataSource dataSource, ILogger<VillageYearCalculator> logger, IConfiguration configuration)
    : NotifiedWorker(dataSource, logger, "calculation", TimeSpan.FromSeconds(5))
{
    /// <summary>Village-years calculated side by side: each waits on the database part of the time, so a few overlap well even on two cores.</summary>
    private readonly int _parallel = Math.Max(1, configuration.GetValue("Calculation:Parallel", 3));

    private static readonly System.Diagnostics.Metrics.Histogram<double> Duration =
        SubsidyTelemetry.Meter.CreateHistogram<double>("subsidy.calculation.duration", "ms", "Time to calculate one village-year");

    private const string ClaimSql = """
        DELETE FROM pending_village_years
        WHERE (village_code, year) = (SELECT village_code, year FROM pending_village_years ORDER BY since LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING village_code, year
        """;

    protected override async Task<bool> WorkAsync(NpgsqlConnection session, CancellationToken cancellationToken)
    {
        var claimed = await Task.WhenAll(Enumerable.Range(0, _parallel).Select(_ => CalculateNextAsync(cancellationToken)));
        return claimed.Any(c => c);
    }

    public async Task<bool> CalculateNextAsync(CancellationToken cancellationToken)
    {
        await using var work = await UnitOfWork.BeginAsync(DataSource, cancellationToken);
        var claimed = await work.Connection.QuerySingleOrDefaultAsync<(string VillageCode, int Year)?>(new CommandDefinition(ClaimSql, transaction: work.Transaction, cancellationToken: cancellationToken));
        if (claimed is not { } next) return false;
        var started = Stopwatch.GetTimestamp();
        var state = await CalculateAsync(work, next.VillageCode, next.Year, started, cancellationToken);
        await work.CommitAsync(cancellationToken);
        if (state == SettlementStates.Calculated) Duration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        LogCalculated(logger, next.VillageCode, next.Year, state);
        return true;
    }

    private static async Task<string> CalculateAsync(UnitOfWork work, string village, int year, long started, CancellationToken cancellationToken)
    {
        var c = work.Connection;
        var t = work.Transaction;
        var schemeJson = await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition("SELECT terms::text FROM schemes_in_force WHERE village_code = @village AND year = @year", new { village, year }, t, cancellationToken: cancellationToken));
        var policy = await PolicyYears.EffectiveAsync(c, t, village, year, cancellationToken);
        var pilot = await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition("SELECT status FROM pilot_status WHERE village_code = @village", new { village }, t, cancellationToken: cancellationToken));
        var batch = await c.QuerySingleOrDefaultAsync<(Guid BatchId, int ChunkCount)?>(new CommandDefinition("SELECT batch_id, chunk_count FROM village_batches WHERE village_code = @village AND year = @year", new { village, year }, t, cancellationToken: cancellationToken));
        var current = await c.QuerySingleOrDefaultAsync<(string State, Guid? RunId)?>(new CommandDefinition("SELECT state, run_id FROM village_years WHERE village_code = @village AND year = @year FOR UPDATE", new { village, year }, t, cancellationToken: cancellationToken));

        async Task<string> Waiting(string state)
        {
            if (current is { } known && !SettlementStates.Recalculates(known.State)) return known.State;
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO village_years (village_code, year, state) VALUES (@village, @year, @state)
                ON CONFLICT (village_code, year) DO UPDATE SET state = excluded.state
                """, new { village, year, state }, t, cancellationToken: cancellationToken));
            return state;
        }

        if (pilot is "suspended")
        {
            // Halted village-years were suspended by the pilot's event; one first seen now waits for inputs once resumed.
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO village_years (village_code, year, state, suspended_from) VALUES (@village, @year, 'suspended', 'waiting-for-inputs')
                ON CONFLICT (village_code, year) DO NOTHING
                """, new { village, year }, t, cancellationToken: cancellationToken));
            return SettlementStates.Suspended;
        }
        if (current?.State == SettlementStates.Suspended) return SettlementStates.Suspended;
        if (schemeJson is null || policy is null || pilot is not "active" || batch is null) return await Waiting("waiting-for-inputs");
        var chunks = (await c.QueryAsync<string>(new CommandDefinition("SELECT records::text FROM contribution_chunks WHERE batch_id = @BatchId AND village_code = @village ORDER BY chunk_index",
            new { batch.Value.BatchId, village }, t, cancellationToken: cancellationToken))).AsList();
        if (chunks.Count < batch.Value.ChunkCount) return await Waiting("waiting-for-inputs");
        var scheme = JsonSerializer.Deserialize<SchemeTermsPublished>(schemeJson, Pending.Json)!;
        var rosterJson = await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition("SELECT members::text FROM rosters WHERE village_code = @village AND year = @year", new { village, year }, t, cancellationToken: cancellationToken));
        if (scheme.MembershipBasis == MembershipBasis.Roster && rosterJson is null) return await Waiting("waiting-for-inputs");

        var records = chunks.SelectMany(json => JsonSerializer.Deserialize<List<ContributionRecord>>(json, Pending.Json)!).ToList();
        var roster = rosterJson is null ? [] : JsonSerializer.Deserialize<List<RosterMember>>(rosterJson, Pending.Json)!;
        var ids = (scheme.MembershipBasis == MembershipBasis.Roster ? roster.Select(m => m.IdNumber) : records.Select(r => r.IdNumber)).Distinct().ToArray();
        var elsewhere = (await c.QueryAsync<string>(new CommandDefinition("""
            SELECT DISTINCT id_number FROM roster_members WHERE year = @year AND village_code <> @village AND id_number = ANY(@ids)
            """, new { year, village, ids }, t, cancellationToken: cancellationToken))).ToHashSet();

        var inputs = new
        {
            Scheme = new SchemeInput(scheme.MembershipBasis, scheme.Stacking, scheme.Floors, scheme.Incentives, scheme.Budget),
            Policy = new PolicyInput(policy.Tiers, policy.SpecialTier, policy.ContributionDeadline),
            Members = roster.Select(m => new Member(m.IdNumber, m.Name, m.SpecialGroup)).OrderBy(m => m.IdNumber, StringComparer.Ordinal).ToList(),
            Records = records.OrderBy(r => r.IdNumber, StringComparer.Ordinal).ThenBy(r => r.RowNumber).ToList(),
            Elsewhere = elsewhere.Order(StringComparer.Ordinal).ToList(),
        };
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(inputs, Pending.Json)));
        if (current?.RunId is { } previousRun
            && await c.ExecuteScalarAsync<string>(new CommandDefinition("SELECT fingerprint FROM calculation_runs WHERE id = @previousRun", new { previousRun }, t, cancellationToken: cancellationToken)) == fingerprint)
        {
            // Nothing changed: a village-year sent back for recalculation simply resumes with the same run.
            if (current.Value.State == SettlementStates.WaitingForInputs)
            {
                await c.ExecuteAsync(new CommandDefinition("UPDATE village_years SET state = 'calculated', stale = false WHERE village_code = @village AND year = @year",
                    new { village, year }, t, cancellationToken: cancellationToken));
                return SettlementStates.Calculated;
            }
            return current.Value.State;
        }
        if (current is { } settled && !SettlementStates.Recalculates(settled.State))
        {
            // Confirmed by the village: a changed input does not recalculate, it marks the result stale.
            await c.ExecuteAsync(new CommandDefinition("UPDATE village_years SET stale = true WHERE village_code = @village AND year = @year", new { village, year }, t, cancellationToken: cancellationToken));
            return settled.State;
        }

        var results = SubsidyRules.Calculate(inputs.Scheme, inputs.Policy, inputs.Members, inputs.Records, elsewhere);
        var runId = Guid.CreateVersion7();
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO calculation_runs (id, village_code, year, fingerprint, members, eligible, total, amount, recipients, duration_ms, budget, cap, organisation_name, credit_code)
            VALUES (@runId, @village, @year, @fingerprint, @members, @eligible, @total, @total, @recipients, @duration, @Budget, @Cap, @OrganisationName, @CreditCode)
            """, new
        {
            runId, village, year, fingerprint, members = results.Count, eligible = results.Count(r => r.Exclusion is null), recipients = results.Count(r => r.Subsidy > 0),
            scheme.Budget, inputs.Policy.Cap, scheme.OrganisationName, scheme.CreditCode,
            total = results.Sum(r => r.Subsidy), duration = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
        }, t, cancellationToken: cancellationToken));
        await WriteResultsAsync(c, runId, results, cancellationToken);
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO village_years (village_code, year, state, run_id) VALUES (@village, @year, 'calculated', @runId)
            ON CONFLICT (village_code, year) DO UPDATE SET state = 'calculated', run_id = excluded.run_id, stale = false
            """, new { village, year, runId }, t, cancellationToken: cancellationToken));
        return "calculated";
    }

    private const string CopySql = """
        COPY member_results (run_id, id_number, name, exclusion, own, tier, special_group, floor, incentive, floor_part, incentive_part, subsidy, flags)
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>
    /// A city-sized year is some 700,000 results: binary COPY instead of one INSERT per member. The writes are
    /// synchronous: the importer buffers and flushes in large blocks, and an awaited call per field cost more than
    /// the copying itself (the COPY took 8 ms for a village's 160 results). This runs on the calculator's worker.
    /// </summary>
    private static async Task WriteResultsAsync(NpgsqlConnection connection, Guid runId, IReadOnlyList<MemberResult> results, CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginBinaryImportAsync(CopySql, cancellationToken);
        foreach (var r in results)
        {
            writer.StartRow();
            writer.Write(runId, NpgsqlDbType.Uuid);
            writer.Write(r.IdNumber, NpgsqlDbType.Text);
            writer.Write(r.Name, NpgsqlDbType.Text);
            WriteNullable(writer, r.Exclusion?.ToString(), NpgsqlDbType.Text);
            writer.Write(r.OwnContribution, NpgsqlDbType.Numeric);
            WriteNullable(writer, r.Tier, NpgsqlDbType.Numeric);
            WriteNullable(writer, r.Group?.ToString(), NpgsqlDbType.Text);
            writer.Write(r.Floor, NpgsqlDbType.Numeric);
            writer.Write(r.Incentive, NpgsqlDbType.Numeric);
            writer.Write(r.FloorPart, NpgsqlDbType.Numeric);
            writer.Write(r.IncentivePart, NpgsqlDbType.Numeric);
            writer.Write(r.Subsidy, NpgsqlDbType.Numeric);
            writer.Write(r.Flags.ToString(), NpgsqlDbType.Text);
        }
        await writer.CompleteAsync(cancellationToken);
    }

    private static void WriteNullable<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type)
    {
        if (value is null) writer.WriteNull(); else writer.Write(value, type);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Village {Village} year {Year}: {State}")]
    private static partial void LogCalculated(ILogger logger, string village, int year, string state);
}
