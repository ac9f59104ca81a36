using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Subsidy.AppHost;

var builder = DistributedApplication.CreateBuilder(args);
var infrastructure = builder.AddSubsidyInfrastructure();

// Local and test runs have no OIDC issuer: the gateway issues development tokens signed with a key made
// fresh for this run. Any other environment must configure Auth:Authority instead.
var devSigningKey = builder.Configuration["Auth:DevSigningKey"];
if (string.IsNullOrEmpty(devSigningKey) && string.IsNullOrEmpty(builder.Configuration["Auth:Authority"]))
{
    devSigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}

// Traces of every request and metrics every second by default, so the dashboard is live. A city-sized year is
// tens of thousands of requests and messages: Telemetry:TraceSampleRatio keeps that share of traces (whole
// traces: the root decides, the rest follow) and Telemetry:MetricExportIntervalMs exports metrics less often.
IResourceBuilder<ProjectResource> Sampled(IResourceBuilder<ProjectResource> project)
{
    if (builder.Configuration["Telemetry:TraceSampleRatio"] is { Length: > 0 } ratio)
    {
        project.WithEnvironment("OTEL_TRACES_SAMPLER", "parentbased_traceidratio").WithEnvironment("OTEL_TRACES_SAMPLER_ARG", ratio);
    }
    if (builder.Configuration["Telemetry:MetricExportIntervalMs"] is { Length: > 0 } interval)
    {
        project.WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL", interval);
    }
    return project;
}

// Endpoints are not proxied: DCP's proxy would carry every request between the gateway and the services (and
// every byte of an upload) through one more process, which on two cores cost ~10 % of a core during the settlement.
// Telemetry:ScrapeEndpoint=true: the services also serve their metrics at /metrics (the end-to-end tests read them).
IResourceBuilder<ProjectResource> Service<TProject>(string name) where TProject : IProjectMetadata, new()
{
    var service = Sampled(builder.AddProject<TProject>(name, launchProfileName: null))
        .WithHttpEndpoint(isProxied: false)
        .WithHttpHealthCheck("/health")
        .WithInfrastructure(infrastructure)
        .WithAuth(builder, devSigningKey);
    if (builder.Configuration["Telemetry:ScrapeEndpoint"] is { Length: > 0 } scrape) service.WithEnvironment("Telemetry__ScrapeEndpoint", scrape);
    return service;
}

var registry = Service<Projects.SchemeRegistry>("scheme-registry");
// Workstation GC: the import worker allocates briskly on one thread; server GC's per-core heaps and threads
// fight PostgreSQL for the same two cores.
var imports = Service<Projects.ContributionImport>("contribution-import").WithEnvironment("DOTNET_gcServer", "0");
if (builder.Configuration["Import:StallSeconds"] is { Length: > 0 } stall) imports.WithEnvironment("Import__StallSeconds", stall);
var calculation = Service<Projects.Calculation>("calculation");
var documents = Service<Projects.Document>("document");

// The tax bureau's stand-in answers payment requests in local and test set-ups only (DESIGN §8).
if (builder.Configuration.GetValue("TaxBureau:Simulator", builder.Environment.IsDevelopment() || builder.Environment.IsEnvironment("Testing")))
{
    Service<Projects.TaxBureauSimulator>("tax-bureau-simulator")
        .WithEnvironment("TaxBureau__DelaySeconds", builder.Configuration["TaxBureau:DelaySeconds"] ?? "1");
}

// 业务工作台: the web portal, served by the gateway at "/". It reaches the services only through the gateway, with
// the signed-in user's token; with Auth:Authority it signs people in there (authorization code + PKCE).
var portal = Sampled(builder.AddProject<Projects.Portal>("portal", launchProfileName: null))
    .WithHttpEndpoint(isProxied: false)
    .WithHttpHealthCheck("/health")
    .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName);
foreach (var setting in new[] { "Auth:Authority", "Portal:ClientId", "Portal:ClientSecret", "Portal:Scopes" })
{
    if (builder.Configuration[setting] is { Length: > 0 } value) portal.WithEnvironment(setting.Replace(":", "__"), value);
}

var gateway = Sampled(builder.AddProject<Projects.Gateway>("gateway", launchProfileName: null))
    .WithHttpEndpoint(port: builder.Configuration.GetValue<int?>("Gateway:Port") is > 0 and var port ? port : null, isProxied: false)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WithAuth(builder, devSigningKey)
    .WithEnvironment("RateLimits__PermitsPerMinute", builder.Configuration["Gateway:PermitsPerMinute"] ?? "600")
    .WithReference(registry).WaitFor(registry)
    .WithReference(imports).WaitFor(imports)
    .WithReference(calculation).WaitFor(calculation)
    .WithReference(documents).WaitFor(documents)
    .WithReference(portal);
portal.WithReference(gateway);

builder.Eventing.Subscribe<ResourceReadyEvent>(gateway.Resource, (ready, _) =>
{
    var url = gateway.GetEndpoint("http").Url;
    ready.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Subsidy")
        .LogInformation("网关已就绪 Gateway ready: {Url}  ·  业务工作台 portal: {Url}/  ·  演示用户 demo users: {Url}/dev/users  ·  API 文档 API reference: {Url}/api/reference  ·  基础设施 infrastructure: {Mode}", url, url, url, url, infrastructure.Mode);
    return Task.CompletedTask;
});

builder.Build().Run();
