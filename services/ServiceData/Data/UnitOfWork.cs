using Npgsql;
using Subsidy.ServiceData.Messaging;

namespace Subsidy.ServiceData;

/// <summary>
/// One business transaction: its writes and the events it raises commit together or not at all.
/// </summary>
public sealed class UnitOfWork : IAsyncDisposable
{
    private UnitOfWork(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        Connection = connection;
        Transaction = transaction;
    }

    public NpgsqlConnection Connection { get; }
    public NpgsqlTransaction Transaction { get; }

    public static async Task<UnitOfWork> BeginAsync(
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            return new UnitOfWork(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes an event to the outbox in this transaction; it is published only once the
    /// transaction commits.</summary>
    public Task PublishAsync<T>(T message, CancellationToken cancellationToken)
        where T : class =>
        OutboxWriter.EnqueueAsync(Connection, Transaction, message, cancellationToken);

    public Task CommitAsync(CancellationToken cancellationToken) =>
        Transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
