using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Subsidy.AppHost;

/// <summary>The PostgreSQL server and RabbitMQ broker every service uses, whichever way they were
/// provided.</summary>
public sealed record Infrastructure(
    string Mode,
    IResourceBuilder<IResourceWithConnectionString> Postgres,
    IResourceBuilder<IResourceWithConnectionString> RabbitMq,
    IReadOnlyList<IResourceBuilder<IResource>> WaitTargets,
    string? DataDirectory = null
)
{
    /// <summary>The key-encryption key of residents' personal data (docs/security.md): outside
    /// every database, created 0600 by the first service to start.</summary>
    public string PersonalDataKeyFile { get; init; } = "";
}

/// <summary>Whom the gateway and services trust: the OIDC issuer (and where to read its keys), and
/// in Testing the development issuer's key.</summary>
public sealed record AuthSettings(string Authority, string? MetadataAddress, string? DevSigningKey);

public static class InfrastructureExtensions
{
    public const string ConnectionStringsMode = "connection-strings";
    public const string ContainersMode = "containers";
    public const string LocalMode = "local";

    /// <summary>
    /// Chooses, in order: connection strings when configured (ConnectionStrings:postgres and
    /// :rabbitmq), containers when a container runtime answers, otherwise this machine's own
    /// PostgreSQL and RabbitMQ binaries launched as executables. Infrastructure:Mode forces one of
    /// them.
    /// </summary>
    public static Infrastructure AddSubsidyInfrastructure(
        this IDistributedApplicationBuilder builder
    )
    {
        var mode =
            builder.Configuration["Infrastructure:Mode"] is { Length: > 0 } configured
            && configured != "auto"
                ? configured
            : !string.IsNullOrEmpty(builder.Configuration.GetConnectionString("postgres"))
            && !string.IsNullOrEmpty(builder.Configuration.GetConnectionString("rabbitmq"))
                ? ConnectionStringsMode
            : ContainerRuntimeAnswers() ? ContainersMode
            : LocalMode;

        var infrastructure = mode switch
        {
            ConnectionStringsMode => new Infrastructure(
                mode,
                builder.AddConnectionString("postgres"),
                builder.AddConnectionString("rabbitmq"),
                []
            ),
            ContainersMode => AddContainers(builder),
            LocalMode => AddLocalBinaries(builder),
            _ => throw new InvalidOperationException(
                $"Infrastructure:Mode must be auto, {ConnectionStringsMode}, {ContainersMode} or {LocalMode}, not '{mode}'."
            ),
        };
        return infrastructure with
        {
            PersonalDataKeyFile = builder.Configuration["PersonalData:KeyFile"]
                is { Length: > 0 } keyFile
                ? Path.GetFullPath(keyFile)
                : Path.Combine(
                    infrastructure.DataDirectory
                        ?? Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".local")),
                    "keys",
                    "personal-data.kek"
                ),
        };
    }

    public static IResourceBuilder<ProjectResource> WithInfrastructure(
        this IResourceBuilder<ProjectResource> project,
        Infrastructure infrastructure
    )
    {
        project
            .WithReference(infrastructure.Postgres, "postgres")
            .WithReference(infrastructure.RabbitMq, "rabbitmq")
            .WithEnvironment("PersonalData__KeyFile", infrastructure.PersonalDataKeyFile);
        foreach (var target in infrastructure.WaitTargets)
            project.WaitFor(target);
        return project;
    }

    public static IResourceBuilder<ProjectResource> WithAuth(
        this IResourceBuilder<ProjectResource> project,
        IDistributedApplicationBuilder builder,
        AuthSettings auth
    )
    {
        project.WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName);
        project.WithEnvironment("Auth__Authority", auth.Authority);
        if (!string.IsNullOrEmpty(auth.MetadataAddress))
            project.WithEnvironment("Auth__MetadataAddress", auth.MetadataAddress);
        if (!string.IsNullOrEmpty(auth.DevSigningKey))
            project.WithEnvironment("Auth__DevSigningKey", auth.DevSigningKey);
        if (builder.Configuration["Auth:Audience"] is { Length: > 0 } audience)
            project.WithEnvironment("Auth__Audience", audience);
        return project;
    }

    private static Infrastructure AddContainers(IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres("postgres").WithDataVolume("subsidy-postgres");
        var rabbitmq = builder.AddRabbitMQ("rabbitmq").WithDataVolume("subsidy-rabbitmq");
        return new Infrastructure(ContainersMode, postgres, rabbitmq, [postgres, rabbitmq]);
    }

    private static Infrastructure AddLocalBinaries(IDistributedApplicationBuilder builder)
    {
        var dataDirectory = builder.Configuration["Infrastructure:DataDirectory"]
            is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".local"));
        var scripts = Path.Combine(builder.AppHostDirectory, "infra");
        const string password = "subsidy-local";
        if (HighAvailability.Requested(builder.Configuration))
            return HighAvailability.AddLocalCluster(builder, dataDirectory, scripts, password);
        var postgresPort = PortOrFree(builder.Configuration, "Infrastructure:PostgresPort");
        var rabbitPort = PortOrFree(builder.Configuration, "Infrastructure:RabbitMqPort");
        var rabbitDistributionPort = FreePort();

        var postgresConnection =
            $"Host=127.0.0.1;Port={postgresPort};Username=postgres;Password={password}";
        var rabbitConnection = $"amqp://guest:guest@127.0.0.1:{rabbitPort}/";

        builder
            .Services.AddHealthChecks()
            .AddAsyncCheck("postgres-accepts-connections", ct =>
                PostgresAnswers(postgresConnection, ct)
            )
            .AddAsyncCheck("rabbitmq-accepts-connections", ct => TcpAnswers(rabbitPort, ct));

        var backups = BackupSettings.From(builder, dataDirectory);
        var postgresDataDirectory = Path.Combine(dataDirectory, "postgres");
        if (backups.Enabled)
        {
            builder.Services.AddSingleton(backups);
            builder.Services.AddHostedService(sp => new BackupSchedule(
                backups,
                Path.Combine(scripts, "backup.sh"),
                postgresDataDirectory,
                postgresPort,
                sp.GetRequiredService<ResourceNotificationService>(),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<BackupSchedule>>()
            ));
        }
        var postgres = builder
            .AddExecutable(
                "postgres",
                "bash",
                scripts,
                Path.Combine(scripts, "postgres.sh"),
                postgresDataDirectory,
                postgresPort.ToString(),
                password,
                // The WAL archive, or none: backups off.
                backups.Enabled
                    ? backups.WalArchive
                    : ""
            )
            .WithHealthCheck("postgres-accepts-connections");
        var rabbitmq = builder
            .AddExecutable(
                "rabbitmq",
                "bash",
                scripts,
                Path.Combine(scripts, "rabbitmq.sh"),
                Path.Combine(dataDirectory, "rabbitmq"),
                rabbitPort.ToString(),
                rabbitDistributionPort.ToString()
            )
            .WithHealthCheck("rabbitmq-accepts-connections");

        var postgresConnectionString = builder.AddConnectionString("postgres-connection", e =>
            e.AppendLiteral(postgresConnection)
        );
        var rabbitConnectionString = builder.AddConnectionString("rabbitmq-connection", e =>
            e.AppendLiteral(rabbitConnection)
        );
        return new Infrastructure(
            LocalMode,
            postgresConnectionString,
            rabbitConnectionString,
            [postgres, rabbitmq],
            dataDirectory
        );
    }

    internal static async Task<HealthCheckResult> PostgresAnswers(
        string connectionString,
        CancellationToken cancellationToken
    )
    {
        try
        {
            await using var connection = new NpgsqlConnection(
                connectionString + ";Pooling=false;Timeout=3"
            );
            await connection.OpenAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }

    internal static async Task<HealthCheckResult> TcpAnswers(
        int port,
        CancellationToken cancellationToken
    )
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }

    private static int PortOrFree(IConfiguration configuration, string key) =>
        configuration.GetValue<int?>(key) is > 0 and var port ? port : FreePort();

    // Ports handed out by this process. A port is free when asked for, but it is only taken once
    // its service starts: the system asks for a score of them at once, and the operating system
    // may well give a just-released port again (two services then fought over one port and the
    // loser stopped the start). Nothing is handed out twice.
    private static readonly HashSet<int> HandedOut = [];

    public static int FreePort()
    {
        lock (HandedOut)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (HandedOut.Add(port))
                    return port;
            }
        }
    }

    private static bool ContainerRuntimeAnswers()
    {
        var runtime = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") ?? "docker";
        try
        {
            using var process = Process.Start(
                new ProcessStartInfo(runtime, "info")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                }
            );
            if (process is null)
                return false;
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
