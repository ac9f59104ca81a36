using Dapper;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Messaging;

namespace ContributionImport.Imports;

/// <summary>Keeps the tiers of each policy year, to check the tier column of uploaded
/// files.</summary>
public sealed class PolicyYearChangedConsumer(NpgsqlDataSource dataSource)
    : IdempotentConsumer<PolicyYearChanged>(dataSource)
{
    private const string UpsertSql = """
        INSERT INTO known_policy_years (region_code, year, tiers, special_tier, version)
        VALUES (@RegionCode, @Year, @Tiers, @SpecialTier, @Version)
        ON CONFLICT (region_code, year) DO UPDATE SET tiers = excluded.tiers, special_tier =
            excluded.special_tier, version = excluded.version
        WHERE known_policy_years.version < excluded.version
        """;

    protected override Task HandleAsync(
        PolicyYearChanged message,
        UnitOfWork work,
        CancellationToken cancellationToken
    ) =>
        work.Connection.ExecuteAsync(
            new CommandDefinition(
                UpsertSql,
                new
                {
                    message.RegionCode,
                    message.Year,
                    Tiers = message.Tiers.ToArray(),
                    message.SpecialTier,
                    message.Version,
                },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
}
