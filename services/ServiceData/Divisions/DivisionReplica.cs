using Dapper;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Messaging;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Messaging;

namespace Subsidy.ServiceData.Divisions;

public sealed record KnownDivision(
    string Code,
    string Name,
    DivisionLevel Level,
    string? ParentCode,
    bool Active,
    long Version,
    DateTime ChangedAt
);

/// <summary>
/// A service's own copy of the division tree, learnt from scheme-registry's events
/// (docs/architecture.md: no service reads another's tables). Services that need divisions opt in
/// with <see cref="AddDivisionReplica"/>.
/// </summary>
public sealed class DivisionReplica(NpgsqlDataSource dataSource)
{
    private const string SelectSql = """
        SELECT code, name, level::int AS level, parent_code, active, version, changed_at
        FROM known_divisions WHERE code = @Code
        """;

    private const string SelectManySql = """
        SELECT code, name, level::int AS level, parent_code, active, version, changed_at
        FROM known_divisions WHERE code = ANY(@Codes)
        """;

    /// <summary>Several divisions in one round trip (a village and the township and county above
    /// it), by code, on a connection the caller holds.</summary>
    public static async Task<IReadOnlyDictionary<string, KnownDivision>> FindAllAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        IEnumerable<string> codes,
        CancellationToken cancellationToken
    ) =>
        (
            await connection.QueryAsync<KnownDivision>(
                new CommandDefinition(
                    SelectManySql,
                    new { Codes = codes.ToArray() },
                    transaction,
                    cancellationToken: cancellationToken
                )
            )
        ).ToDictionary(d => d.Code);

    public async Task<KnownDivision?> FindAsync(string code, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<KnownDivision>(
            new CommandDefinition(
                SelectSql,
                new { Code = code },
                cancellationToken: cancellationToken
            )
        );
    }

    public static IServiceCollection Register(IServiceCollection services)
    {
        services.AddSingleton(
            new MigrationSource(
                typeof(DivisionReplica).Assembly,
                "Subsidy.ServiceDefaults.Divisions.Migrations."
            )
        );
        services.AddSingleton<DivisionReplica>();
        services.TryAddSingleton<StartupRequests>();
        services.AddHostedService<DivisionResyncOnStart>();
        return services;
    }
}

public static class DivisionReplicaExtensions
{
    public static TBuilder AddDivisionReplica<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        DivisionReplica.Register(builder.Services);
        return builder;
    }

    public static void AddDivisionReplicaConsumer(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<
            DivisionChangedConsumer,
            IdempotentConsumerDefinition<DivisionChangedConsumer>
        >();
        // On a queue of this instance's own: the instance that asked must hear the answer, not a
        // sibling.
        bus.AddConsumer<ReferenceDataResyncAnsweredConsumer>()
            .Endpoint(endpoint => endpoint.OnInstanceQueue());
    }

    /// <summary>GET {group}/divisions/{code}: what this service knows of a division.</summary>
    public static RouteGroupBuilder MapKnownDivisions(this RouteGroupBuilder group)
    {
        group.MapGet("/divisions/{code}", GetKnownDivision);
        return group;
    }

    private static async Task<Results<Ok<KnownDivision>, ProblemHttpResult>> GetKnownDivision(
        string code,
        DivisionReplica replica,
        CancellationToken cancellationToken
    )
    {
        var division = await replica.FindAsync(code, cancellationToken);
        return division is null
            ? Problems.NotFound($"本服务尚未获知区划 {code}。")
            : TypedResults.Ok(division);
    }
}

/// <summary>Applies a division change unless this copy already holds the same or a newer
/// version.</summary>
public sealed class DivisionChangedConsumer(NpgsqlDataSource dataSource)
    : IdempotentConsumer<DivisionChanged>(dataSource)
{
    private const string UpsertSql = """
        INSERT INTO known_divisions (code, name, level, parent_code, active, version, changed_at)
        VALUES (@Code, @Name, @Level, @ParentCode, @Active, @Version, @ChangedAt)
        ON CONFLICT (code) DO UPDATE SET
            name = excluded.name, level = excluded.level, parent_code = excluded.parent_code,
            active = excluded.active, version = excluded.version, changed_at = excluded.changed_at
        WHERE known_divisions.version < excluded.version
        """;

    protected override Task HandleAsync(
        DivisionChanged message,
        UnitOfWork work,
        CancellationToken cancellationToken
    ) =>
        work.Connection.ExecuteAsync(
            new CommandDefinition(
                UpsertSql,
                new
                {
                    message.Code,
                    message.Name,
                    Level = (short)message.Level,
                    message.ParentCode,
                    message.Active,
                    message.Version,
                    message.ChangedAt,
                },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
}

/// <summary>
/// At start-up, asks the registry for every division and policy year, so a copy that missed events
/// catches up: once the bus is healthy, and again until the registry answers (<see
/// cref="StartupRequests"/>).
/// </summary>
internal sealed class DivisionResyncOnStart(
    NpgsqlDataSource dataSource,
    IHostEnvironment environment,
    IBusControl bus,
    StartupRequests requests
) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        requests.SendUntilAnsweredAsync(
            "区划与政策参数",
            bus,
            async (requestId, cancellationToken) =>
            {
                await using var work = await UnitOfWork.BeginAsync(dataSource, cancellationToken);
                await work.PublishAsync(
                    new ReferenceDataResyncRequested(
                        environment.ApplicationName,
                        DateTimeOffset.UtcNow,
                        requestId
                    ),
                    cancellationToken
                );
                await work.CommitAsync(cancellationToken);
            },
            stoppingToken
        );
}

/// <summary>The registry has sent everything again for a request: whichever instance asked stops
/// asking.</summary>
public sealed class ReferenceDataResyncAnsweredConsumer(StartupRequests requests)
    : IConsumer<ReferenceDataResyncAnswered>
{
    public Task Consume(ConsumeContext<ReferenceDataResyncAnswered> context)
    {
        requests.Answered(context.Message.RequestId);
        return Task.CompletedTask;
    }
}
