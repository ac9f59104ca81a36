using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Subsidy.ServiceDefaults.Telemetry;

namespace Subsidy.ServiceData.Telemetry;

/// <summary>
/// Business gauges read from the service's own database every few seconds (not on every metrics
/// scrape): the outbox backlog — events committed but not yet on RabbitMQ — and any counts a
/// service adds (village-years per state, pending calculations); <see
/// cref="Messaging.QueueDepths"/> sets the queues' backlog and dead letters.
/// </summary>
public sealed partial class BusinessGauges(
    NpgsqlDataSource dataSource,
    IEnumerable<GaugeQuery> queries,
    ILogger<BusinessGauges> logger
) : BackgroundService
{
    private static readonly ConcurrentDictionary<(string Name, string Tag), long> Values = new();

    /// <summary>The tags each query has answered for so far.</summary>
    private readonly Dictionary<GaugeQuery, HashSet<string>> _seen = [];

    static BusinessGauges()
    {
        SubsidyTelemetry.Meter.CreateObservableGauge(
            "subsidy.backlog",
            () => Observe("backlog", "queue"),
            description: "Work waiting: events not yet published (outbox), messages in each queue, village-years not yet calculated"
        );
        SubsidyTelemetry.Meter.CreateObservableGauge(
            "subsidy.dead_letters",
            () => Observe("dead_letters", "queue"),
            description: "Messages that failed every retry and wait in an error queue"
        );
        SubsidyTelemetry.Meter.CreateObservableGauge(
            "subsidy.village_years",
            () => Observe("village_years", "state"),
            description: "Village-years per settlement state"
        );
        SubsidyTelemetry.Meter.CreateObservableGauge(
            "subsidy.oldest_seconds",
            () => Observe("oldest_seconds", "what"),
            unit: "s",
            description: "Age of the oldest item still waiting: an event in the outbox not yet on RabbitMQ"
        );
        SubsidyTelemetry.Meter.CreateObservableGauge(
            "subsidy.replication_lag_seconds",
            () => Observe("replication_lag_seconds", "standby"),
            unit: "s",
            description: "How far each standby of the service's PostgreSQL lags in replaying the primary's changes"
        );
        SubsidyTelemetry.Meter.CreateObservableGauge(
            "subsidy.broker_reachable",
            () => Observe("broker_reachable", "broker"),
            description: "1 while the service's last look at its RabbitMQ queues succeeded, 0 when it failed"
        );
        SubsidyTelemetry.Meter.CreateObservableGauge(
            "subsidy.county_village_years",
            () => Observe("county_village_years", "county", "state"),
            description: "Village-years of the current and earlier years per county and settlement state"
        );
        SubsidyTelemetry.Meter.CreateObservableGauge(
            "subsidy.county_credited_fen",
            () => Observe("county_credited_fen", "county", "year"),
            description: "Collective subsidy credited to residents' accounts per county and year, in fen (1/100 yuan)"
        );
    }

    /// <summary>Sets a gauge's value for one tag; the next collection reports it.</summary>
    public static void Set(string name, string tag, long value) => Values[(name, tag)] = value;

    /// <summary>A gauge's values; a tag of several labels holds their values joined by '|', in the
    /// order given.</summary>
    private static IEnumerable<Measurement<long>> Observe(string name, params string[] labels) =>
        Values
            .Where(v => v.Key.Name == name)
            .Select(v =>
            {
                var values = labels.Length == 1 ? [v.Key.Tag] : v.Key.Tag.Split('|', labels.Length);
                return new Measurement<long>(
                    v.Value,
                    labels.Select(
                        (label, i) =>
                            new KeyValuePair<string, object?>(
                                label,
                                i < values.Length ? values[i] : ""
                            )
                    )
                );
            });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                foreach (
                    var query in queries
                        .Prepend(GaugeQuery.ReplicationLag)
                        .Prepend(GaugeQuery.OutboxAge)
                        .Prepend(GaugeQuery.Outbox)
                )
                {
                    var rows = (
                        await connection.QueryAsync<(string Tag, long Value)>(
                            new CommandDefinition(query.Sql, cancellationToken: stoppingToken)
                        )
                    ).ToList();
                    var seen = _seen.GetValueOrDefault(query) ?? [];
                    foreach (var (tag, value) in Reading(seen, rows))
                        Set(query.Name, tag, value);
                    _seen[query] = [.. seen.Union(rows.Select(r => r.Tag))];
                }
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                LogFailed(logger, e);
            }
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// What one reading of a query sets: its rows, and 0 for every tag it answered for before but
    /// not now (the last village-year left a state), which would otherwise go on showing its last
    /// count.
    /// </summary>
    public static IEnumerable<(string Tag, long Value)> Reading(
        IReadOnlyCollection<string> seenBefore,
        IReadOnlyList<(string Tag, long Value)> rows
    ) => rows.Concat(seenBefore.Except(rows.Select(r => r.Tag)).Select(gone => (gone, 0L)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Business gauges could not be read")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

/// <summary>
/// One gauge's rows: (tag value, count). <see cref="Name"/> is "backlog", "dead_letters",
/// "village_years", "oldest_seconds", "replication_lag_seconds", or one of the per-county gauges
/// whose tag joins its labels with '|' ("county_village_years": county|state,
/// "county_credited_fen": county|year).
/// </summary>
public sealed record GaugeQuery(string Name, string Sql)
{
    public static readonly GaugeQuery Outbox = new(
        "backlog",
        "SELECT 'outbox', count(*)::bigint FROM outbox_messages WHERE published_at IS NULL"
    );

    public static readonly GaugeQuery OutboxAge = new(
        "oldest_seconds",
        """
        SELECT 'outbox', coalesce(extract(epoch FROM now() - min(created_at)), 0)::bigint FROM
            outbox_messages WHERE published_at IS NULL
        """
    );

    /// <summary>Rows only where the server has standbys (the highly available topology); none on a
    /// single server.</summary>
    public static readonly GaugeQuery ReplicationLag = new(
        "replication_lag_seconds",
        """
        SELECT application_name, coalesce(extract(epoch FROM replay_lag), 0)::bigint FROM pg_stat_replication
        """
    );
}

public static class BusinessGaugesExtensions
{
    public static IServiceCollection AddBusinessGauges(
        this IServiceCollection services,
        params GaugeQuery[] queries
    )
    {
        foreach (var query in queries)
            services.AddSingleton(query);
        services.AddHostedService<BusinessGauges>();
        return services;
    }
}
