using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Subsidy.ServiceDefaults.Http;
using Subsidy.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>Cross-cutting hosting every service and the gateway share: telemetry, health,
/// discovery, resilience.</summary>
public static class Extensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    /// <summary>Kubernetes' liveness and startup probes: the process answers (no dependency is
    /// asked).</summary>
    public const string LivenessEndpointPath = "/health/live";

    /// <summary>
    /// Kubernetes' readiness probe: the checks tagged "ready" — the service's database and its
    /// RabbitMQ bus (MassTransit tags its bus check "ready"). Migrations run before a service
    /// listens, so one that answers has them applied.
    /// </summary>
    public const string ReadinessEndpointPath = "/health/ready";
    private const string MetricsEndpointPath = "/metrics";

    /// <summary>
    /// Telemetry:ScrapeEndpoint: a service also serves its metrics at /metrics for a Prometheus
    /// scraper (the end-to-end tests read the business metrics there). Off by default: a second
    /// reader aggregates every measurement twice, and the dashboard already receives them over
    /// OTLP.
    /// </summary>
    public const string ScrapeEndpointSetting = "Telemetry:ScrapeEndpoint";

    /// <summary>The largest request body an endpoint takes unless it says otherwise (the upload
    /// endpoints do).</summary>
    public const long MaxJsonBodyBytes = 1 << 20;

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        builder.Services.AddErrorResponses();
        // JSON bodies are small: a form, a step, a scheme. Only the upload endpoints take more,
        // each with its own limit.
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(
            kestrel => kestrel.Limits.MaxRequestBodySize = MaxJsonBodyBytes
        );
        // Enumerations travel as kebab-case words ("village", "county-approved"), not numbers.
        builder.Services.ConfigureHttpJsonOptions(json =>
            json.SerializerOptions.Converters.Add(
                new System.Text.Json.Serialization.JsonStringEnumConverter(
                    System.Text.Json.JsonNamingPolicy.KebabCaseLower
                )
            )
        );
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder
            .Logging.AddConsole(console =>
                console.FormatterName = RedactingConsoleFormatter.FormatterName
            )
            .AddConsoleFormatter<
                RedactingConsoleFormatter,
                Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions
            >();
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            logging.AddProcessor(new IdNumberLogRedactor());
        });

        var scrape = builder.Configuration.GetValue<bool>(ScrapeEndpointSetting);
        DiskSpace.Register();
        builder
            .Services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter("Npgsql", "MassTransit", SubsidyTelemetry.MeterName);
                if (scrape)
                    metrics.AddPrometheusExporter(options =>
                        options.ScrapeResponseCacheDurationMilliseconds = 0
                    );
            })
            .WithTracing(tracing =>
                tracing
                    .AddSource(
                        builder.Environment.ApplicationName,
                        "MassTransit",
                        SubsidyTelemetry.ActivitySourceName
                    )
                    .AddAspNetCoreInstrumentation(options =>
                        options.Filter = context =>
                            !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                            && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath)
                    )
                    .AddHttpClientInstrumentation()
                    .AddProcessor(new IdNumberActivityRedactor())
            );

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder
            .Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Health endpoints answer in every environment: the orchestrator waits on them.
        app.MapHealthChecks(HealthEndpointPath).AllowAnonymous();
        app.MapHealthChecks(
                AlivenessEndpointPath,
                new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") }
            )
            .AllowAnonymous();
        app.MapHealthChecks(
                LivenessEndpointPath,
                new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") }
            )
            .AllowAnonymous();
        app.MapHealthChecks(
                ReadinessEndpointPath,
                new HealthCheckOptions { Predicate = r => r.Tags.Contains("ready") }
            )
            .AllowAnonymous();
        if (app.Configuration.GetValue<bool>(ScrapeEndpointSetting))
            app.MapPrometheusScrapingEndpoint(MetricsEndpointPath).AllowAnonymous();
        return app;
    }
}
