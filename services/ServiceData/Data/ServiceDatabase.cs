using System.Reflection;
using Dapper;
using DbUp;
using DbUp.Engine.Output;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry.Trace;
using Subsidy.ServiceData.Crypto;

namespace Subsidy.ServiceData;

/// <summary>The one database a service owns on the shared PostgreSQL server.</summary>
public sealed record ServiceDatabase(string Name, string ConnectionString);

/// <summary>A set of numbered SQL scripts embedded in an assembly, applied in name order.</summary>
public sealed record MigrationSource(Assembly Assembly, string ResourcePrefix);

public static class ServiceDatabaseExtensions
{
    /// <summary>Name of the server connection string every service receives.</summary>
    public const string ServerConnectionName = "postgres";

    /// <summary>
    /// Registers the service's own database: the server comes from ConnectionStrings:postgres, the
    /// database name is the service's, so no service can reach another's tables by configuration
    /// mistake.
    /// <paramref name="keepsSessionState"/>: the service takes session-level locks or settings on
    /// pooled connections, so each is reset on its way back to the pool.
    /// </summary>
    public static TBuilder AddServiceDatabase<TBuilder>(
        this TBuilder builder,
        string databaseName,
        bool keepsSessionState = false
    )
        where TBuilder : IHostApplicationBuilder
    {
        // The database's spans beside the requests and messages that cause them.
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddNpgsql());
        var server = builder.Configuration.GetConnectionString(ServerConnectionName)
            ?? throw new InvalidOperationException(
                $"缺少数据库连接配置 ConnectionStrings:{ServerConnectionName}。"
            );
        var connection = new NpgsqlConnectionStringBuilder(server) { Database = databaseName };
        var database = new ServiceDatabase(databaseName, connection.ConnectionString);

        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new DateOnlyHandler());
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton(SharedMigrations);
        // Every service's audit entries join its SM3 chain a few seconds after they commit.
        builder.Services.AddHostedService<AuditSealer>();
        // Residents' personal data is stored sealed under this database's data keys.
        builder.AddPersonalData();
        builder.Services.AddSingleton(sp =>
        {
            var dataSource = new NpgsqlDataSourceBuilder(
                database.ConnectionString
            ).UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            // The same few dozen statements run tens of thousands of times a year (each settlement
            // step, each message): prepared once per connection, the server stops parsing and
            // planning them every time.
            dataSource.ConnectionStringBuilder.MaxAutoPrepare = 100;
            dataSource.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
            // Otherwise every connection taken from the pool starts with seven statements of reset
            // (SET SESSION AUTHORIZATION DEFAULT, RESET ALL, CLOSE ALL, UNLISTEN *,
            // pg_advisory_unlock_all(), DISCARD SEQUENCES, DISCARD TEMP), parsed and run by the
            // server each time: a settlement step takes three or four.
            dataSource.ConnectionStringBuilder.NoResetOnClose = !keepsSessionState;
            return dataSource.Build();
        });
        builder
            .Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return builder;
    }

    /// <summary>
    /// Creates the database when missing and applies the shared scripts (messaging, then any
    /// feature's registered <see cref="MigrationSource"/>), then the service's own numbered
    /// scripts, before the service serves. An advisory lock lets several instances start at once.
    /// </summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app, Assembly migrations)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Migrations");
        await MigrateAsync(
            app.Services.GetRequiredService<ServiceDatabase>(),
            app.Services.GetServices<MigrationSource>()
                .Append(
                    new MigrationSource(migrations, migrations.GetName().Name + ".Migrations.")
                ),
            logger
        );
        // A database from before encryption has its plain personal data sealed in place before
        // the service serves: the code reads sealed values only. Resumable: each batch commits.
        var sealedRows = await app
            .Services.GetRequiredService<PersonalDataMigration>()
            .SealPlainAsync(
                app.Services.GetRequiredService<NpgsqlDataSource>(),
                CancellationToken.None
            );
        if (sealedRows > 0)
            logger.LogInformation("Sealed {Rows} rows of plain personal data in place", sealedRows);
    }

    /// <summary>The shared messaging tables (outbox, processed messages, audit log) as a migration
    /// source.</summary>
    public static MigrationSource SharedMigrations =>
        new(typeof(ServiceDatabase).Assembly, "Subsidy.ServiceDefaults.Data.Migrations.");

    public static async Task MigrateAsync(
        ServiceDatabase database,
        IEnumerable<MigrationSource> migrationSources,
        ILogger logger
    )
    {
        var sources = migrationSources.ToList();
        await EnsureDatabaseExistsAsync(database);

        await using var lockConnection = new NpgsqlConnection(database.ConnectionString);
        await lockConnection.OpenAsync();
        await lockConnection.ExecuteAsync("SELECT pg_advisory_lock(7220024)");
        try
        {
            foreach (var source in sources)
                Upgrade(database, source, logger);
        }
        finally
        {
            await lockConnection.ExecuteAsync("SELECT pg_advisory_unlock(7220024)");
        }
    }

    private static void Upgrade(ServiceDatabase database, MigrationSource source, ILogger logger)
    {
        var result = DeployChanges
            .To.PostgresqlDatabase(database.ConnectionString)
            .WithScriptsEmbeddedInAssembly(source.Assembly, name =>
                name.StartsWith(source.ResourcePrefix, StringComparison.Ordinal)
                && name.EndsWith(".sql", StringComparison.Ordinal)
            )
            .WithTransactionPerScript()
            .LogTo(new DbUpLogger(logger))
            .Build()
            .PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException(
                $"数据库 {database.Name} 迁移失败：{result.ErrorScript?.Name}",
                result.Error
            );
        }
    }

    private static async Task EnsureDatabaseExistsAsync(ServiceDatabase database)
    {
        var admin = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            Database = "postgres",
            Pooling = false,
        };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        var exists = await connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @name)",
            new { name = database.Name }
        );
        if (exists)
            return;
        try
        {
            // Identifier comes from code, never from input; quoted all the same.
            await connection.ExecuteAsync(
                $"CREATE DATABASE \"{database.Name.Replace("\"", "\"\"")}\""
            );
        }
        catch (PostgresException e)
            when (e.SqlState
                    is PostgresErrorCodes.DuplicateDatabase
                        or PostgresErrorCodes.UniqueViolation
            )
        {
            // Another instance created it first.
        }
    }

    private sealed class DbUpLogger(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace(format, args);

        public void LogDebug(string format, params object[] args) => logger.LogDebug(format, args);

        public void LogInformation(string format, params object[] args) =>
            logger.LogInformation(format, args);

        public void LogWarning(string format, params object[] args) =>
            logger.LogWarning(format, args);

        public void LogError(string format, params object[] args) => logger.LogError(format, args);

        public void LogError(Exception ex, string format, params object[] args) =>
            logger.LogError(ex, format, args);
    }
}

internal sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default
    )
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("数据库不可用", e);
        }
    }
}
