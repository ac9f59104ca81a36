using System.Diagnostics;
using Dapper;
using MassTransit;
using Npgsql;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Resilience;

namespace Subsidy.ServiceData.Messaging;

/// <summary>
/// Base of every consumer whose effect is a database write. The message id is recorded in the same
/// transaction as the effect, so a redelivered message (same MessageId) finds the record and
/// changes nothing.
/// </summary>
public abstract class IdempotentConsumer<TMessage>(NpgsqlDataSource dataSource)
    : IConsumer<TMessage>
    where TMessage : class
{
    private const string RecordSql = """
        INSERT INTO processed_messages (consumer, message_id, message_type, trace_id)
        VALUES (@Consumer, @MessageId, @MessageType, @TraceId)
        ON CONFLICT DO NOTHING
        """;

    /// <summary>Stable name under which processed messages are recorded; defaults to the class
    /// name.</summary>
    protected virtual string ConsumerName => GetType().Name;

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException("消息缺少 MessageId，无法保证只处理一次。");
        var cancellationToken = context.CancellationToken;

        await using var work = await UnitOfWork.BeginAsync(dataSource, cancellationToken);
        // Concurrent redeliveries serialise on the primary key: the second waits, then inserts
        // nothing.
        var first =
            await work.Connection.ExecuteAsync(
                new CommandDefinition(
                    RecordSql,
                    new
                    {
                        Consumer = ConsumerName,
                        MessageId = messageId,
                        MessageType = typeof(TMessage).FullName!,
                        TraceId = Activity.Current?.TraceId.ToString(),
                    },
                    work.Transaction,
                    cancellationToken: cancellationToken
                )
            ) == 1;
        if (!first)
            return;

        await HandleAsync(context.Message, work, cancellationToken);
        await work.CommitAsync(cancellationToken);
    }

    /// <summary>Applies the message's effect inside <paramref name="work"/>; the base commits
    /// it.</summary>
    protected abstract Task HandleAsync(
        TMessage message,
        UnitOfWork work,
        CancellationToken cancellationToken
    );
}

/// <summary>Retry and concurrency settings shared by consumers of this system.</summary>
public class IdempotentConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    public IdempotentConsumerDefinition()
    {
        ConcurrentMessageLimit = 8;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context
    )
    {
        // Faults (a serialization conflict, a bug) get retried in place; a message still failing
        // after these lands in the endpoint's _error queue. A lost database is the bus's longer
        // retry's (MessagingExtensions).
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Ignore<Exception>(DatabaseFailover.IsUnavailable);
            retry.Intervals(200, 1000, 3000, 10000);
        });
    }
}
