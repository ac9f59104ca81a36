using System.Data.Common;
using Dapper;
using Identity.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Messaging;
using Subsidy.ServiceDefaults.Auth;

namespace Identity.Accounts;

/// <summary>
/// Every change of an account commits together with its audit record (who, when, what) and, where
/// it takes access away, the event that tells the gateway and the services to refuse the account's
/// unexpired access tokens.
/// </summary>
public sealed class AccountChanges(IdentityDb db)
{
    public const string Entity = "account";

    public async Task<T> RunAsync<T>(
        Func<AccountChangeScope, Task<T>> change,
        CancellationToken cancellationToken
    )
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var scope = new AccountChangeScope(
            (NpgsqlConnection)db.Database.GetDbConnection(),
            (NpgsqlTransaction)transaction.GetDbTransaction()
        );
        var result = await change(scope);
        if (scope.Failed)
            return result;
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}

public sealed class AccountChangeScope(NpgsqlConnection connection, NpgsqlTransaction transaction)
{
    /// <summary>Set when the change was refused half-way: nothing is committed.</summary>
    public bool Failed { get; private set; }

    public void Fail() => Failed = true;

    public Task AuditAsync(
        string actor,
        string actorRole,
        string subject,
        string scope,
        string action,
        string? from,
        string? to,
        string? reason,
        CancellationToken cancellationToken
    ) =>
        connection.ExecuteAsync(
            new CommandDefinition(
                AuditLog.InsertSql,
                AuditLog.Parameters(
                    new Caller(actor, actor, actorRole, ""),
                    AccountChanges.Entity,
                    subject,
                    scope,
                    action,
                    from,
                    to,
                    reason
                ),
                transaction,
                cancellationToken: cancellationToken
            )
        );

    /// <summary>The account's (or client's) access tokens issued until now are refused everywhere
    /// from the event's arrival.</summary>
    public async Task RevokeAccessAsync(string subject, CancellationToken cancellationToken)
    {
        var revocation = new AccountAccessRevoked(subject, DateTimeOffset.UtcNow);
        await connection.ExecuteAsync(
            new CommandDefinition(
                RevocationSql,
                new { revocation.Subject, revocation.RevokedAt },
                transaction,
                cancellationToken: cancellationToken
            )
        );
        await OutboxWriter.EnqueueAsync(connection, transaction, revocation, cancellationToken);
    }

    private const string RevocationSql =
        "INSERT INTO access_revocations (subject, revoked_at) VALUES (@Subject, @RevokedAt)";

    public DbConnection Connection => connection;
}
