using System.Net.Http.Headers;
using System.Net.Http.Json;
using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Subsidy.Contracts;

namespace Subsidy.EndToEndTests;

/// <summary>
/// The whole system, started once for every end-to-end test: the AppHost with its local PostgreSQL
/// and RabbitMQ (this machine's own binaries, in a fresh temporary data directory), the services
/// and the gateway.
/// </summary>
public class SubsidySystem : IAsyncLifetime
{
    private readonly string _environment;

    public SubsidySystem()
        : this(Subsidy.ServiceDefaults.Auth.DevTokenIssuer.TestingEnvironment) { }

    /// <param name="environment">Testing for the shared system; <see cref="ProductionSystem"/>
    /// starts one as production does.</param>
    protected SubsidySystem(string environment) => _environment = environment;

    protected virtual TimeSpan StartTimeout => TimeSpan.FromMinutes(5);

    /// <summary>Settings a system of a kind of its own adds to the AppHost's arguments.</summary>
    protected virtual IEnumerable<string> MoreArguments => [];

    /// <summary>Where this run's PostgreSQL and RabbitMQ keep their data (and its backups, when
    /// on).</summary>
    public string DataDirectory => _dataDirectory;

    /// <summary>The key-encryption key of residents' personal data, which the AppHost gives every
    /// service (docs/security.md).</summary>
    public string KeyFile => Path.Combine(_dataDirectory, "keys", "personal-data.kek");

    private readonly string _dataDirectory = Path.Combine(
        Path.GetTempPath(),
        "subsidy-e2e-" + Guid.NewGuid().ToString("N")[..8]
    );

    public const int GatewayPermitsPerMinute = 200;

    public DistributedApplication App { get; private set; } = null!;
    public HttpClient Gateway { get; private set; } = null!;

    /// <summary>The demo's accounts for <see cref="CountyYearTests"/>, created by the identity
    /// service at its start (Testing only).</summary>
    public IReadOnlyList<DemoAccount> DemoAccounts { get; private set; } = [];

    /// <summary>Where this run's Prometheus listens (MonitoringTests ask it for targets, alerts and
    /// metric names).</summary>
    public int PrometheusPort { get; } = Subsidy.AppHost.InfrastructureExtensions.FreePort();

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        Directory.CreateDirectory(_dataDirectory);
        var accountsFile = Path.Combine(_dataDirectory, "demo-accounts.json");
        var testing =
            _environment == Subsidy.ServiceDefaults.Auth.DevTokenIssuer.TestingEnvironment;
        if (testing)
        {
            DemoAccounts = Subsidy.Demo.DemoAccounts.For(
                CountyYearTests.Options(BusinessDay.Today)
            );
            DemoAccountsFile.Write(accountsFile, DemoAccounts);
        }
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [
                // The automated tests' environment: the development token issuer (POST /dev/token)
                // exists only here, beside the identity service.
                $"--environment={_environment}",
                $"--Infrastructure:DataDirectory={_dataDirectory}",
                "--Infrastructure:Mode=local",
                // A port of its own: a system already running here (./run.sh holds 5080) must never
                // answer this run's requests.
                "--Gateway:Port=0",
                $"--Gateway:InstanceId={InstanceId}",
                $"--Gateway:PermitsPerMinute={GatewayPermitsPerMinute}",
                // The services serve their metrics at /metrics too, where the tests read them
                // (ScrapedMetrics).
                "--Telemetry:ScrapeEndpoint=true",
                // A stalled upload is cut off after 3 s here (30 s in a deployment), so the test of
                // it need not wait long.
                "--Import:StallSeconds=3",
                // Prometheus beside the system, as a production start has it, scraping every two
                // seconds so an alert fires within a test.
                "--Monitoring:Prometheus=true",
                $"--Monitoring:PrometheusPort={PrometheusPort}",
                "--Monitoring:ScrapeSeconds=2",
                .. testing
                    ? new[] { $"--Identity:DemoAccountsFile={accountsFile}" }
                    : ["--Identity:PortalAccessTokenSeconds=40"],
                .. MoreArguments,
            ],
            // The dashboard runs as it does for a developer: it is where the services send their
            // telemetry, and without it their exporters would wait on shutdown for a collector that
            // is not there.
            (options, _) => options.DisableDashboard = false,
            cts.Token
        );
        App = await builder.BuildAsync(cts.Token);
        await App.StartAsync(cts.Token);
        KeepServiceLogs();
        await App.ResourceNotifications.WaitForResourceHealthyAsync("gateway", cts.Token);
        Gateway = NewGatewayClient();
        // The gateway answering must be this run's own, never a system already running on the
        // machine.
        using var health = await Gateway.GetAsync("/health", cts.Token);
        if (
            !health.Headers.TryGetValues("X-Subsidy-Instance", out var answering)
            || answering.Single() != InstanceId
        )
        {
            throw new InvalidOperationException(
                $"the gateway at {Gateway.BaseAddress} is not this test run's system"
            );
        }
    }

    /// <summary>This run's system, as its gateway names itself in every answer.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Where each service's console log of this run is kept (bin/…/service-logs), to read
    /// when a test fails. Every kind of system has its own folder: two systems run side by side and
    /// must not write into each other's files.</summary>
    public string LogDirectory =>
        Path.Combine(
            AppContext.BaseDirectory,
            "service-logs",
            GetType() == typeof(SubsidySystem) ? "" : GetType().Name.ToLowerInvariant()
        );

    private readonly CancellationTokenSource _stopLogging = new();

    /// <summary>Starts a kept log line the process wrote to stderr, which the AppHost's console
    /// shows as "fail:".</summary>
    public const string StderrMark = "[stderr] ";

    private void KeepServiceLogs()
    {
        Directory.CreateDirectory(LogDirectory);
        var logs = App.Services.GetRequiredService<ResourceLoggerService>();
        var model = App.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (
            var service in model.Resources.Where(r => r is ProjectResource or ExecutableResource)
        )
        {
            _ = Task.Run(async () =>
            {
                await using var file = new StreamWriter(
                    Path.Combine(LogDirectory, service.Name + ".log"),
                    append: false
                )
                {
                    AutoFlush = true,
                };
                try
                {
                    await foreach (
                        var batch in logs.WatchAsync(service).WithCancellation(_stopLogging.Token)
                    )
                    {
                        // What the AppHost shows as a failure (the process's stderr) is marked so.
                        foreach (var line in batch)
                            await file.WriteLineAsync(
                                line.IsErrorMessage ? StderrMark + line.Content : line.Content
                            );
                    }
                }
                catch (OperationCanceledException) { }
            });
        }
    }

    public async Task DisposeAsync()
    {
        await _stopLogging.CancelAsync();
        Gateway?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>A development token from the gateway's issuer, for any role and scope.</summary>
    public async Task<string> TokenAsync(string role, string scope)
    {
        var response = await Gateway.PostAsJsonAsync("/dev/token", new { role, scope });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenResponse>();
        return body!.AccessToken;
    }

    /// <summary>A client of this system's gateway.</summary>
    protected virtual HttpClient NewGatewayClient() => App.CreateHttpClient("gateway");

    public async Task<HttpClient> GatewayAsAsync(string role, string scope)
    {
        var client = NewGatewayClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer",
            await TokenAsync(role, scope)
        );
        return client;
    }

    public async Task<string> ServerConnectionStringAsync() =>
        await App.GetConnectionStringAsync("postgres-connection")
        ?? throw new InvalidOperationException("no PostgreSQL connection string");

    public async Task<string> BrokerConnectionStringAsync() =>
        await App.GetConnectionStringAsync("rabbitmq-connection")
        ?? throw new InvalidOperationException("no RabbitMQ connection string");

    /// <summary>Which of a village's calculation inputs have arrived: says why a village-year was
    /// not calculated.</summary>
    public async Task<string> CalculationInputsAsync(string village)
    {
        await using var calculation = await OpenDatabaseAsync("calculation");
        var counts = await Dapper.SqlMapper.QuerySingleAsync(
            calculation,
            """
            SELECT (SELECT count(*) FROM schemes_in_force WHERE village_code = @village) AS schemes,
                   (SELECT count(*) FROM policy_years) AS policies,
                   (SELECT string_agg(status, ',') FROM pilot_status WHERE village_code = @village) AS pilot,
                   (SELECT count(*) FROM rosters WHERE village_code = @village) AS rosters,
                   (SELECT string_agg(b.batch_id::text || ':' || coalesce(v.chunk_count, 0), ',')
                       FROM contribution_batches b
                    LEFT JOIN batch_villages v ON v.batch_id = b.batch_id AND v.village_code =
                        @village WHERE starts_with(@village, b.scope_code)) AS batches,
                   (SELECT count(*) FROM contribution_chunks WHERE village_code = @village) AS chunks,
                   (SELECT string_agg(state, ',') FROM village_years WHERE village_code = @village) AS states
            """,
            new { village }
        );
        return System.Text.Json.JsonSerializer.Serialize((IDictionary<string, object>)counts);
    }

    private Subsidy.ServiceData.Crypto.DataKeyStore KeyStore =>
        new(Subsidy.ServiceData.Crypto.KeyEncryptionKey.LoadOrCreate(KeyFile));

    /// <summary>A service database's keys, to read its sealed personal data as the service
    /// does.</summary>
    public async Task<Subsidy.ServiceData.Crypto.PersonalData> PersonalDataAsync(string database)
    {
        await using var connection = await OpenDatabaseAsync(database);
        return new(KeyStore.Load(connection));
    }

    /// <summary>For a test that writes through a service's stores in its own process: the keys of
    /// the database it writes to, as the service's start loads them (created if the database is
    /// the test's own).</summary>
    public async Task UsePersonalDataOfAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        Subsidy.ServiceData.Crypto.PersonalData.Current = new(
            await KeyStore.EnsureAsync(connection)
        );
    }

    /// <summary>A database of the test's own on the system's server, with the tables every
    /// service shares (outbox, inbox, audit, data keys) and its keys loaded, as a service's start
    /// leaves its own.</summary>
    public async Task<NpgsqlDataSource> OwnDatabaseAsync(string name)
    {
        var database = new Subsidy.ServiceData.ServiceDatabase(
            name,
            new NpgsqlConnectionStringBuilder(await ServerConnectionStringAsync())
            {
                Database = name,
            }.ConnectionString
        );
        await Subsidy.ServiceData.ServiceDatabaseExtensions.MigrateAsync(
            database,
            [Subsidy.ServiceData.ServiceDatabaseExtensions.SharedMigrations],
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance
        );
        var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        await UsePersonalDataOfAsync(dataSource);
        return dataSource;
    }

    public async Task<NpgsqlConnection> OpenDatabaseAsync(string database)
    {
        var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(await ServerConnectionStringAsync())
            {
                Database = database,
            }.ConnectionString
        );
        await connection.OpenAsync();
        return connection;
    }

    public async Task StopResourceAsync(string name)
    {
        var result = await App
            .Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(name, KnownResourceCommands.StopCommand);
        Assert.True(result.Success, result.Message);
        await App
            .ResourceNotifications.WaitForResourceAsync(
                name,
                KnownResourceStates.Finished,
                CancellationToken.None
            )
            .WaitAsync(TimeSpan.FromMinutes(1));
    }

    /// <param name="routed">Wait for the gateway to route to every service again: not while
    /// others are still stopped.</param>
    public async Task StartResourceAsync(string name, bool routed = true)
    {
        var result = await App
            .Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(name, KnownResourceCommands.StartCommand);
        Assert.True(result.Success, result.Message);
        await App
            .ResourceNotifications.WaitForResourceHealthyAsync(name, CancellationToken.None)
            .WaitAsync(TimeSpan.FromMinutes(2));
        // The gateway answers a stopped service's routes with 503 until its next probe finds it
        // back (every 2 s).
        if (
            routed
            && App.Services.GetRequiredService<DistributedApplicationModel>()
                .Resources.Any(r => r.Name == name && r is ProjectResource)
        )
        {
            await Eventually.TrueAsync(
                async () =>
                    await (await Gateway.GetAsync("/health")).Content.ReadAsStringAsync()
                    == "Healthy",
                "the gateway to route to " + name + " again",
                TimeSpan.FromSeconds(30)
            );
        }
    }

    private sealed record TokenResponse(string AccessToken);
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SubsidySystem>
{
    public const string Name = "system";
}
