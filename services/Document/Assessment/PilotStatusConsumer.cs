using Dapper;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Messaging;

namespace Document.Assessment;

/// <summary>Which villages are in the pilot, for the assessment: the registry's own event, kept by
/// version.</summary>
public sealed class PilotStatusConsumer(NpgsqlDataSource dataSource)
    : IdempotentConsumer<PilotStatusChanged>(dataSource)
{
    private const string UpsertSql = """
        INSERT INTO known_pilots (village_code, status, version) VALUES (@VillageCode, @Status, @Version)
        ON CONFLICT (village_code) DO UPDATE SET status = excluded.status, version = excluded.version
        WHERE known_pilots.version < excluded.version
        """;

    protected override Task HandleAsync(
        PilotStatusChanged m,
        UnitOfWork work,
        CancellationToken cancellationToken
    ) =>
        work.Connection.ExecuteAsync(
            new CommandDefinition(
                UpsertSql,
                new
                {
                    m.VillageCode,
                    Status = EnumCodes.Of(m.Status),
                    m.Version,
                },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
}
