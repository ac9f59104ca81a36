using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Calculation.Rules;
using Calculation.Settlement;
using Dapper;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Telemetry;

namespace Calculation.Inputs;

/// <summary>
/// Takes pending village-years one at a time (SKIP LOCKED, so several instances share the
/// villages), loads their inputs, decides (<see cref="Readiness"/>) and, when they are complete and
/// changed, runs the rules and records the run. The pending mark is removed in the same transaction
/// as the result, so a crash leaves it pending.
/// </summary>
public sealed partial class VillageYearCalculator(
    NpgsqlDataSource dataSource,
    ILogger<VillageYearCalculator> logger,
    IConfiguration configuration
) : NotifiedWorker(dataSource, logger, "calculation", TimeSpan.FromSeconds(5))
{
    /// <summary>
    /// Village-years calculated side by side: each waits on the database part of the time, so a few
    /// overlap well even on two cores.
    /// </summary>
    private readonly int _parallel = Math.Max(1, configuration.GetValue("Calculation:Parallel", 3));

    private static readonly System.Diagnostics.Metrics.Histogram<double> Duration =
        SubsidyTelemetry.Meter.CreateHistogram<double>(
            "subsidy.calculation.duration",
            "ms",
            "Time to calculate one village-year"
        );

    private const string ClaimSql = """
        DELETE FROM pending_village_years
        WHERE (village_code, year) = (SELECT village_code, year FROM pending_village_years ORDER BY
            since LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING village_code, year
        """;

    protected override async Task<bool> WorkAsync(
        NpgsqlConnection session,
        CancellationToken cancellationToken
    )
    {
        var claimed = await Task.WhenAll(
            Enumerable.Range(0, _parallel).Select(_ => CalculateNextAsync(cancellationToken))
        );
        return claimed.Any(c => c);
    }

    public async Task<bool> CalculateNextAsync(CancellationToken cancellationToken)
    {
        await using var work = await UnitOfWork.BeginAsync(DataSource, cancellationToken);
        var claimed = await work.Connection.QuerySingleOrDefaultAsync<(
            string VillageCode,
            int Year
        )?>(
            new CommandDefinition(
                ClaimSql,
                transaction: work.Transaction,
                cancellationToken: cancellationToken
            )
        );
        if (claimed is not { } next)
            return false;
        var started = Stopwatch.GetTimestamp();
        var state = await CalculateAsync(
            work,
            next.VillageCode,
            next.Year,
            started,
            cancellationToken
        );
        await work.CommitAsync(cancellationToken);
        if (state == SettlementStates.Calculated)
            Duration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        LogCalculated(logger, next.VillageCode, next.Year, state);
        return true;
    }

    private static async Task<string> CalculateAsync(
        UnitOfWork work,
        string village,
        int year,
        long started,
        CancellationToken cancellationToken
    )
    {
        var inputs = await VillageYearInputs.LoadAsync(
            work.Connection,
            work.Transaction,
            village,
            year,
            lockVillageYear: true,
            cancellationToken
        );
        switch (Readiness.BeforeLoading(inputs.PilotStatus, inputs.Current?.State, inputs.Missing))
        {
            case Verdict.Suspended:
                return await RunStore.SuspendedAsync(work, inputs, cancellationToken);
            case Verdict.Wait:
                return await RunStore.WaitAsync(work, inputs, cancellationToken);
        }

        var data = await VillageYearData.LoadAsync(
            work.Connection,
            work.Transaction,
            inputs,
            cancellationToken
        );
        var scheme = new SchemeInput(
            inputs.Scheme!.MembershipBasis,
            inputs.Scheme.Stacking,
            inputs.Scheme.Floors,
            inputs.Scheme.Incentives,
            inputs.Scheme.Budget
        );
        var policy = inputs.Policy!.ToInput();
        var fingerprint = Fingerprint(scheme, policy, data);
        switch (
            Readiness.AfterFingerprint(
                inputs.Current?.State,
                inputs.Current?.Fingerprint == fingerprint
            )
        )
        {
            case Verdict.Unchanged:
                return inputs.Current!.State;
            case Verdict.Resume:
                return await RunStore.ResumeAsync(work, inputs, cancellationToken);
            case Verdict.MarkStale:
                return await RunStore.MarkStaleAsync(work, inputs, cancellationToken);
        }

        var results = SubsidyRules.Calculate(
            scheme,
            policy,
            data.Members,
            data.Records,
            data.Elsewhere
        );
        var run = new RunRecord(
            Guid.CreateVersion7(),
            village,
            year,
            fingerprint,
            results,
            (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            inputs.Scheme,
            inputs.Policy,
            inputs.Batch!.BatchId,
            data.LumpSumBatches,
            inputs.RosterBatchId
        );
        return await RunStore.SaveAsync(work, run, cancellationToken);
    }

    /// <summary>
    /// Everything the rules read, in a fixed order: the same inputs always give the same
    /// fingerprint.
    /// </summary>
    private static string Fingerprint(
        SchemeInput scheme,
        PolicyInput policy,
        VillageYearData data
    ) =>
        Convert.ToHexStringLower(
            SHA256.HashData(
                JsonSerializer.SerializeToUtf8Bytes(
                    new
                    {
                        Scheme = scheme,
                        Policy = policy,
                        data.Members,
                        data.Records,
                        Elsewhere = data
                            .Elsewhere.MembersOfOtherVillages.Order(StringComparer.Ordinal)
                            .ToList(),
                        LumpSumPayers = data
                            .Elsewhere.LumpSumPayers.Order(StringComparer.Ordinal)
                            .ToList(),
                    },
                    StoredJson.Options
                )
            )
        );

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Village {Village} year {Year}: {State}"
    )]
    private static partial void LogCalculated(
        ILogger logger,
        string village,
        int year,
        string state
    );
}
