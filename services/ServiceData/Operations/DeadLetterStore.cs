using Dapper;
using Npgsql;
using Subsidy.ServiceData.Crypto;

namespace Subsidy.ServiceData.Operations;

/// <summary>A dead letter as it was taken from the error queue, ready to be kept.</summary>
public sealed record ParkedMessage(
    string Queue,
    string MessageId,
    string FailureKey,
    string MessageType,
    DateTimeOffset FailedAt,
    string? ExceptionType,
    string? ExceptionMessage,
    string? ContentType,
    string Headers,
    byte[] Body
);

/// <summary>The stored message an operator returns to its queue.</summary>
public sealed record StoredMessage(
    long Id,
    string Queue,
    string MessageId,
    string State,
    string? ContentType,
    string Headers,
    byte[] Body
);

/// <summary>The service's dead letters (table dead_letters).</summary>
public static class DeadLetterStore
{
    // A failure taken twice (the service stopped between keeping it and acknowledging it to the
    // broker) is kept once.
    private const string ParkSql = """
        INSERT INTO dead_letters (queue, message_id, failure_key, message_type, failed_at,
            exception_type, exception_message, content_type, headers, body_sealed)
        VALUES (@Queue, @MessageId, @FailureKey, @MessageType, @FailedAt, @ExceptionType,
            @ExceptionMessage, @ContentType, @Headers::jsonb, @SealedBody)
        ON CONFLICT (queue, message_id, failure_key) DO NOTHING
        """;

    private const string WaitingSql = """
        SELECT queue, count(*) FROM dead_letters WHERE state = 'waiting' GROUP BY queue
        """;

    private const string ListSql = """
        SELECT id, queue, message_type, failed_at, exception_type, exception_message, state,
            handled_by, handled_at, handled_reason, count(*) OVER () AS total
        FROM dead_letters
        WHERE (@State::text IS NULL OR state = @State)
        ORDER BY id DESC
        LIMIT @Limit OFFSET @Offset
        """;

    private const string LockSql = """
        SELECT id, queue, message_id, state, content_type, headers::text AS headers,
            body AS plain_body, body_sealed
        FROM dead_letters WHERE id = @Id FOR UPDATE
        """;

    private const string HandleSql = """
        UPDATE dead_letters SET state = @State, handled_by = @HandledBy, handled_at = now(),
            handled_reason = @Reason
        WHERE id = @Id
        """;

    public static Task ParkAsync(
        NpgsqlConnection connection,
        ParkedMessage message,
        CancellationToken cancellationToken
    ) =>
        connection.ExecuteAsync(
            new CommandDefinition(
                ParkSql,
                new
                {
                    message.Queue,
                    message.MessageId,
                    message.FailureKey,
                    message.MessageType,
                    message.FailedAt,
                    message.ExceptionType,
                    message.ExceptionMessage,
                    message.ContentType,
                    message.Headers,
                    // A message's body carries what its event carried: sealed at rest.
                    SealedBody = PersonalData.Current.Seal(message.Body),
                },
                cancellationToken: cancellationToken
            )
        );

    /// <summary>Dead letters waiting for an operator, by the queue whose consumer failed.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> WaitingAsync(
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Queue, long Count)>(
            new CommandDefinition(WaitingSql, cancellationToken: cancellationToken)
        );
        return rows.ToDictionary(r => r.Queue, r => r.Count);
    }

    public static async Task<DeadLetterPage> ListAsync(
        NpgsqlDataSource dataSource,
        string? state,
        int page,
        int pageSize,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (
            await connection.QueryAsync<Row>(
                new CommandDefinition(
                    ListSql,
                    new
                    {
                        State = state,
                        Limit = pageSize,
                        Offset = (page - 1) * pageSize,
                    },
                    cancellationToken: cancellationToken
                )
            )
        ).AsList();
        return new DeadLetterPage(
            rows.Select(r => new DeadLetterView(
                    r.Id,
                    r.Queue,
                    r.MessageType,
                    MessageLabels.Label(r.MessageType),
                    r.FailedAt,
                    r.ExceptionType,
                    r.ExceptionMessage,
                    r.State,
                    DeadLetterStates.Label(r.State),
                    r.HandledBy,
                    r.HandledAt,
                    r.HandledReason
                ))
                .ToList(),
            rows.Count > 0 ? (int)rows[0].Total : 0
        );
    }

    public static async Task<StoredMessage?> LockAsync(
        UnitOfWork work,
        long id,
        CancellationToken cancellationToken
    )
    {
        var row = await work.Connection.QuerySingleOrDefaultAsync<LockedRow>(
            new CommandDefinition(
                LockSql,
                new { Id = id },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
        return row is null
            ? null
            : new StoredMessage(
                row.Id,
                row.Queue,
                row.MessageId,
                row.State,
                row.ContentType,
                row.Headers,
                row.BodySealed is { } sealedBody
                    ? PersonalData.Current.Open(sealedBody)
                    : row.PlainBody ?? []
            );
    }

    private sealed record LockedRow(
        long Id,
        string Queue,
        string MessageId,
        string State,
        string? ContentType,
        string Headers,
        byte[]? PlainBody,
        byte[]? BodySealed
    );

    public static Task MarkAsync(
        UnitOfWork work,
        long id,
        string state,
        string handledBy,
        string? reason,
        CancellationToken cancellationToken
    ) =>
        work.Connection.ExecuteAsync(
            new CommandDefinition(
                HandleSql,
                new
                {
                    Id = id,
                    State = state,
                    HandledBy = handledBy,
                    Reason = reason,
                },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );

    private sealed record Row(
        long Id,
        string Queue,
        string MessageType,
        DateTime FailedAt,
        string? ExceptionType,
        string? ExceptionMessage,
        string State,
        string? HandledBy,
        DateTime? HandledAt,
        string? HandledReason,
        long Total
    );
}
