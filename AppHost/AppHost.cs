using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Subsidy.AppHost;

var builder = DistributedApplication.CreateBuilder(args);
PortGuard.EnsureFree(builder.Configuration);
var infrastructure = builder.AddSubsidyInfrastructure();
builder.AddSupervisor();

// Only the automated tests (the Testing environment) mint tokens without signing in: the gateway's
// development issuer signs them with a key made fresh for the run. Development (./run.sh, the demo)
// and Production sign people in at the identity service.
var testing = builder.Environment.IsEnvironment("Testing");
var devSigningKey = testing
    ? builder.Configuration["Auth:DevSigningKey"] is { Length: > 0 } configuredKey
        ? configuredKey
        : Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
    : null;

// Every process gets its port here, once: a service restarted after a crash listens where the
// gateway and the others already look for it.
var gatewayPort = builder.Configuration.GetValue<int?>("Gateway:Port") is > 0 and var fixedPort
    ? fixedPort
    : InfrastructureExtensions.FreePort();
var identityPort = InfrastructureExtensions.FreePort();

// The issuer is the gateway's public address: browsers reach the sign-in pages and /connect there,
// and tokens name it.
var publicUrl = builder.Configuration["Auth:PublicUrl"] is { Length: > 0 } configuredUrl
    ? configuredUrl.TrimEnd('/') + "/"
    : $"http://localhost:{gatewayPort}/";
var auth = new AuthSettings(
    Authority: builder.Configuration["Auth:Authority"] is { Length: > 0 } authority
        ? authority
        : publicUrl,
    // Services read the identity service's discovery document and keys from it directly, not
    // through the gateway; with two identity instances (HA) through the gateway, which reaches
    // whichever is alive.
    MetadataAddress: builder.Configuration["Auth:Authority"] is { Length: > 0 }
            ? builder.Configuration["Auth:MetadataAddress"]
        : HighAvailability.Requested(builder.Configuration)
            ? $"http://localhost:{gatewayPort}/.well-known/openid-configuration"
        : $"http://localhost:{identityPort}/.well-known/openid-configuration",
    DevSigningKey: devSigningKey
);

// Traces of every request and metrics every second by default, so the dashboard is live. A
// city-sized year is tens of thousands of requests and messages: Telemetry:TraceSampleRatio keeps
// that share of traces (whole traces: the root decides, the rest follow) and
// Telemetry:MetricExportIntervalMs exports metrics less often.
IResourceBuilder<ProjectResource> Sampled(IResourceBuilder<ProjectResource> project)
{
    if (builder.Configuration["Telemetry:TraceSampleRatio"] is { Length: > 0 } ratio)
    {
        project
            .WithEnvironment("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
            .WithEnvironment("OTEL_TRACES_SAMPLER_ARG", ratio);
    }
    if (builder.Configuration["Telemetry:MetricExportIntervalMs"] is { Length: > 0 } interval)
    {
        project.WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL", interval);
    }
    return project;
}

// Endpoints are not proxied: DCP's proxy would carry every request between the gateway and the
// services (and every byte of an upload) through one more process, which on two cores takes CPU
// from the services themselves. Telemetry:ScrapeEndpoint=true: the services also serve their
// metrics at /metrics (the end-to-end tests read them). Monitoring (Prometheus, Monitoring.cs)
// scrapes every process it is told of here.
var monitored = Monitoring.Enabled(builder, infrastructure);
var scrapeTargets = new List<(string Job, int Port)>();
IResourceBuilder<ProjectResource> Scraped(
    IResourceBuilder<ProjectResource> project,
    string name,
    int port
)
{
    scrapeTargets.Add((name, port));
    if (monitored)
        project.WithEnvironment("Telemetry__ScrapeEndpoint", "true");
    else if (builder.Configuration["Telemetry:ScrapeEndpoint"] is { Length: > 0 } scrape)
        project.WithEnvironment("Telemetry__ScrapeEndpoint", scrape);
    return project;
}

// Each service runs once, or twice in the HA topology (the second instance named "{name}-2"): the
// gateway balances each route over the healthy instances and whatever calls a service knows them
// all.
var instancesPerService = HighAvailability.InstancesPerService(builder.Configuration);
ServiceInstances Service<TProject>(string name, int? port = null, int? instances = null)
    where TProject : IProjectMetadata, new() =>
    new(
        name,
        Enumerable
            .Range(1, instances ?? instancesPerService)
            .Select(i =>
            {
                var instance = i == 1 ? name : $"{name}-{i}";
                var listening =
                    i == 1 && port is not null ? port.Value : InfrastructureExtensions.FreePort();
                var service = Sampled(
                        builder.AddProject<TProject>(instance, launchProfileName: null)
                    )
                    .WithHttpEndpoint(port: listening, isProxied: false)
                    .WithHttpHealthCheck("/health")
                    .WithInfrastructure(infrastructure)
                    .WithAuth(builder, auth);
                return Scraped(service, name, listening);
            })
            .ToList()
    );

// Accounts, sign-in and tokens (docs/design/08-access-and-roles.md). Identity:DemoAccountsFile (the
// demo's accounts, Development and Testing only) and Identity:PortalRedirectUris (the portal's
// sign-in callback) pass through.
var identity = Service<Projects.Identity>("identity", identityPort)
    .WithEnvironment("Identity__Issuer", publicUrl);
foreach (
    var setting in new[]
    {
        "DemoAccountsFile",
        "PortalRedirectUris",
        "PortalPostLogoutRedirectUris",
        "AccessTokenMinutes",
        "PortalAccessTokenSeconds",
    }
)
{
    if (builder.Configuration[$"Identity:{setting}"] is { Length: > 0 } value)
        identity.WithEnvironment($"Identity__{setting}", value);
}

var registry = Service<Projects.SchemeRegistry>("scheme-registry");

// Workstation GC: the import worker allocates briskly on one thread; server GC's per-core heaps and
// threads fight PostgreSQL for the same two cores.
var imports = Service<Projects.ContributionImport>("contribution-import")
    .WithEnvironment("DOTNET_gcServer", "0");
if (builder.Configuration["Import:StallSeconds"] is { Length: > 0 } stall)
    imports.WithEnvironment("Import__StallSeconds", stall);
var calculation = Service<Projects.Calculation>("calculation");

// The document service prints a resident's statement from the calculation's answer (its API, never
// its tables).
var documents = Service<Projects.Document>("document").WithReference(calculation);

// The services keep copies of the registry's reference data and ask for all of it when they start.
// The registry runs first, so its queue for that request exists when they ask: started together, a
// request sent before the registry's queue was declared was dropped by RabbitMQ, and a calculation
// that had also missed the seeded policy years waited for them for ever (seen in a city-sized
// benchmark run).
foreach (var consumer in new[] { imports, calculation, documents })
    consumer.WaitFor(registry);

// The tax bureau's stand-in answers payment requests in local and test set-ups only
// (docs/design/07-tax-bureau.md).
if (
    builder.Configuration.GetValue(
        "TaxBureau:Simulator",
        builder.Environment.IsDevelopment() || testing
    )
)
{
    // One instance: it stands for another system, not for part of this one.
    Service<Projects.TaxBureauSimulator>("tax-bureau-simulator", instances: 1)
        .WithEnvironment(
            "TaxBureau__DelaySeconds",
            builder.Configuration["TaxBureau:DelaySeconds"] ?? "1"
        );
}

// 业务工作台: the web portal, served by the gateway at "/". It reaches the services only through the
// gateway, with the signed-in user's token. People sign in at the identity service (authorization
// code + PKCE, its public client "portal"); only the automated tests (Testing) pick a development
// user instead, as they mint tokens.
var portal = new ServiceInstances(
    "portal",
    Enumerable
        .Range(1, instancesPerService)
        .Select(i =>
        {
            var listening = InfrastructureExtensions.FreePort();
            var instance = Sampled(
                    builder.AddProject<Projects.Portal>(
                        i == 1 ? "portal" : $"portal-{i}",
                        launchProfileName: null
                    )
                )
                .WithHttpEndpoint(port: listening, isProxied: false)
                .WithHttpHealthCheck("/health")
                .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
                .WithEnvironment(
                    "Portal__ClientId",
                    builder.Configuration["Portal:ClientId"] ?? "portal"
                )
                .WithEnvironment(
                    "Portal__Scopes",
                    builder.Configuration["Portal:Scopes"] ?? "openid profile offline_access"
                );
            if (!testing)
                instance.WithEnvironment("Auth__Authority", auth.Authority);
            if (builder.Configuration["Portal:ClientSecret"] is { Length: > 0 } secret)
                instance.WithEnvironment("Portal__ClientSecret", secret);
            return Scraped(instance, "portal", listening);
        })
        .ToList()
);

var gateway = Sampled(builder.AddProject<Projects.Gateway>("gateway", launchProfileName: null))
    .WithHttpEndpoint(port: gatewayPort, isProxied: false)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WithAuth(builder, auth)
    // The gateway hears of disabled accounts over RabbitMQ, like the services.
    .WithReference(infrastructure.RabbitMq, "rabbitmq")
    .WithEnvironment(
        "RateLimits__PermitsPerMinute",
        builder.Configuration["Gateway:PermitsPerMinute"] ?? "600"
    )
    // A deployment sizes each role's budget to the work its users do (Gateway:RoleLimits:{role},
    // e.g. a county centre of 400 villages).
    .WithEnvironment(context =>
    {
        foreach (var role in builder.Configuration.GetSection("Gateway:RoleLimits").GetChildren())
            context.EnvironmentVariables[$"RateLimits__Roles__{role.Key}"] = role.Value ?? "";
    })
    // Every answer names the system it comes from, so a client (the tests) can tell its own system
    // from another's.
    .WithEnvironment(
        "Gateway__InstanceId",
        builder.Configuration["Gateway:InstanceId"] is { Length: > 0 } instance
            ? instance
            : Guid.NewGuid().ToString("N")
    );
foreach (var service in new[] { identity, registry, imports, calculation, documents })
    service.ReferencedBy(gateway, waitFor: true);
portal.ReferencedBy(gateway, waitFor: false);
foreach (var target in infrastructure.WaitTargets)
    gateway.WaitFor(target);
portal.Each(instance => instance.WithReference(gateway));
Scraped(gateway, "gateway", gatewayPort);
if (monitored)
    builder.AddPrometheus(infrastructure, scrapeTargets);

builder.Eventing.Subscribe<ResourceReadyEvent>(gateway.Resource, (ready, _) =>
{
    var url = gateway.GetEndpoint("http").Url;
    ready
        .Services.GetRequiredService<ILoggerFactory>()
        .CreateLogger("Subsidy")
        .LogInformation(
            "网关已就绪 Gateway ready: {Url}  ·  业务工作台 portal: {Url}/  ·  登录 sign-in: {Url}/account/login  ·  API 文档 API reference: {Url}/api/reference  ·  环境 environment: {Environment}  ·  基础设施 infrastructure: {Mode}",
            url,
            url,
            url,
            url,
            builder.Environment.EnvironmentName,
            infrastructure.Mode
        );
    return Task.CompletedTask;
});

builder.Build().Run();
