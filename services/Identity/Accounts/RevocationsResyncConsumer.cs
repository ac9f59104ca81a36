using Dapper;
using MassTransit;
using Npgsql;
using Subsidy.Contracts;

namespace Identity.Accounts;

/// <summary>A gateway or service instance that just started asks for the revocations its unexpired
/// tokens may still meet.</summary>
public sealed class RevocationsResyncConsumer(NpgsqlDataSource dataSource)
    : IConsumer<AccountRevocationsResyncRequested>
{
    private const string RecentSql = """
        SELECT subject, max(revoked_at) AS revoked_at FROM access_revocations
        WHERE revoked_at > now() - interval '15 minutes' GROUP BY subject
        """;

    public async Task Consume(ConsumeContext<AccountRevocationsResyncRequested> context)
    {
        await using var connection = await dataSource.OpenConnectionAsync(
            context.CancellationToken
        );
        foreach (
            var (subject, revokedAt) in await connection.QueryAsync<(string, DateTime)>(RecentSql)
        )
        {
            await context.Publish(
                new AccountAccessRevoked(subject, new DateTimeOffset(revokedAt, TimeSpan.Zero)),
                context.CancellationToken
            );
        }
        await context.Publish(
            new AccountRevocationsResyncAnswered(context.Message.RequestId),
            context.CancellationToken
        );
    }
}
