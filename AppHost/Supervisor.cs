using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Subsidy.AppHost;

/// <summary>
/// Restarts a service process that exits without being asked to (a crash, an out-of-memory kill,
/// kill -9): Aspire's orchestrator starts processes but does not bring back one that dies. A
/// deliberate stop (the dashboard's or a test's stop command, the AppHost shutting down) passes
/// through "Stopping" first and is left alone. Each restart is logged to the AppHost's and the
/// service's own log and counted in subsidy.supervisor.restarts{service}, also shown as the
/// resource's "restarts" property in the dashboard. One that keeps dying is restarted less and less
/// often (up to 30 s).
/// </summary>
public sealed class Supervisor(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ResourceLoggerService resourceLogs,
    IHostApplicationLifetime lifetime,
    ILogger<Supervisor> logger
) : BackgroundService
{
    public const string MeterName = "Subsidy.Supervisor";
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Restarts = Meter.CreateCounter<long>(
        "subsidy.supervisor.restarts",
        description: "Service processes restarted after they exited unexpectedly"
    );

    private readonly ConcurrentDictionary<string, string?> _states = new();
    private readonly ConcurrentDictionary<string, List<DateTimeOffset>> _recent = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var change in notifications.WatchAsync(stoppingToken))
        {
            if (!IsSupervised(change.Resource))
                continue;
            var state = change.Snapshot.State?.Text;
            var previous = _states.GetValueOrDefault(change.ResourceId);
            if (state == previous)
                continue;
            _states[change.ResourceId] = state;
            if (
                UnexpectedExit(previous, state)
                && !lifetime.ApplicationStopping.IsCancellationRequested
            )
            {
                _ = RestartAsync(
                    change.Resource,
                    change.ResourceId,
                    change.Snapshot.ExitCode,
                    stoppingToken
                );
            }
        }
    }

    /// <summary>Every service, and the engines that stand for machines of a city's cluster (./run.sh
    /// --ha): a PostgreSQL node or RabbitMQ node that was killed comes back and rejoins.</summary>
    public static bool IsSupervised(IResource resource) =>
        resource is ProjectResource || resource.Annotations.OfType<SupervisedAnnotation>().Any();

    /// <summary>Running, then gone without "Stopping" in between.</summary>
    public static bool UnexpectedExit(string? previous, string? state) =>
        previous == KnownResourceStates.Running
        && KnownResourceStates.TerminalStates.Contains(state);

    private async Task RestartAsync(
        IResource resource,
        string resourceId,
        int? exitCode,
        CancellationToken cancellationToken
    )
    {
        var now = DateTimeOffset.UtcNow;
        var recent = _recent.GetOrAdd(resourceId, _ => []);
        int attempt;
        lock (recent)
        {
            recent.RemoveAll(t => t < now.AddMinutes(-5));
            recent.Add(now);
            attempt = recent.Count;
        }
        var delay = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, attempt - 1)));
        if (
            resource.Annotations.OfType<SupervisedAnnotation>().FirstOrDefault()
                is { RestartAfter: { } least }
            && least > delay
        )
            delay = least;
        logger.LogWarning(
            "服务 {Service} 意外退出（退出码 {ExitCode}），{Delay} 秒后重启（5 分钟内第 {Attempt} 次）。Service {Service} exited unexpectedly; restarting.",
            resource.Name,
            exitCode,
            delay.TotalSeconds,
            attempt,
            resource.Name
        );
        resourceLogs
            .GetLogger(resourceId)
            .LogWarning(
                "进程意外退出（退出码 {ExitCode}），由监护程序在 {Delay} 秒后重启。",
                exitCode,
                delay.TotalSeconds
            );
        try
        {
            await Task.Delay(delay, cancellationToken);
            var result = await commands.ExecuteCommandAsync(
                resourceId,
                KnownResourceCommands.StartCommand,
                cancellationToken
            );
            if (!result.Success)
            {
                logger.LogError(
                    "服务 {Service} 重启失败：{Message}",
                    resource.Name,
                    result.Message
                );
                return;
            }
            Restarts.Add(1, new KeyValuePair<string, object?>("service", resource.Name));
            var total = Interlocked.Increment(
                ref _totals.GetOrAdd(resource.Name, _ => new StrongBox()).Value
            );
            await notifications.PublishUpdateAsync(resource, resourceId, snapshot =>
                snapshot with
                {
                    Properties =
                    [
                        .. snapshot.Properties.Where(p => p.Name != RestartsProperty),
                        new ResourcePropertySnapshot(RestartsProperty, total),
                    ],
                }
            );
            logger.LogInformation(
                "服务 {Service} 已重启（累计 {Total} 次）。",
                resource.Name,
                total
            );
        }
        catch (OperationCanceledException) { }
        catch (Exception e)
        {
            logger.LogError(e, "服务 {Service} 重启失败。", resource.Name);
        }
    }

    public const string RestartsProperty = "supervisor.restarts";

    private readonly ConcurrentDictionary<string, StrongBox> _totals = new();

    private sealed class StrongBox
    {
        public long Value;
    }
}

/// <summary>Marks a resource other than a service for the supervisor to restart, not sooner than
/// <paramref name="RestartAfter"/>.</summary>
public sealed record SupervisedAnnotation(TimeSpan? RestartAfter = null) : IResourceAnnotation;

public static class SupervisorExtensions
{
    public static IResourceBuilder<T> Supervised<T>(
        this IResourceBuilder<T> resource,
        TimeSpan? restartAfter = null
    )
        where T : IResource => resource.WithAnnotation(new SupervisedAnnotation(restartAfter));

    public static IDistributedApplicationBuilder AddSupervisor(
        this IDistributedApplicationBuilder builder
    )
    {
        builder.Services.AddHostedService<Supervisor>();
        // The restart counter goes to the dashboard like the services' metrics, under the name
        // "supervisor".
        if (builder.Configuration["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] is { Length: > 0 } otlp)
        {
            var key = builder.Configuration["AppHost:OtlpApiKey"];
            builder
                .Services.AddOpenTelemetry()
                .ConfigureResource(resource => resource.AddService("supervisor"))
                .WithMetrics(metrics =>
                    metrics
                        .AddMeter(Supervisor.MeterName)
                        .AddOtlpExporter(exporter =>
                        {
                            exporter.Endpoint = new Uri(otlp);
                            if (key is not null)
                                exporter.Headers = $"x-otlp-api-key={key}";
                        })
                );
        }
        return builder;
    }
}
