using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using RabbitMQ.Client;

namespace Subsidy.ServiceData.Operations;

/// <summary>
/// Takes what lies in a service's error queues into its database, where an operator reads it and
/// returns or discards each message (<see cref="OperationsApi"/>); and puts a returned one back on
/// its queue as it was. A message is acknowledged to the broker only once kept, so none is lost.
/// </summary>
public static partial class DeadLetterParking
{
    public const string ErrorSuffix = "_error";

    /// <summary>Headers MassTransit adds when it moves a message to the error queue: a returned
    /// message goes back without them.</summary>
    private static bool IsFaultHeader(string name) =>
        name.StartsWith("MT-Fault-", StringComparison.Ordinal)
        || name.StartsWith("MT-Host-", StringComparison.Ordinal)
        || name == "MT-Reason";

    /// <summary>Keeps every message of <paramref name="queue"/>'s error queue; answers how many it
    /// took.</summary>
    public static async Task<int> ParkAsync(
        IChannel channel,
        NpgsqlDataSource dataSource,
        string queue,
        CancellationToken cancellationToken
    )
    {
        var taken = 0;
        while (taken < 500)
        {
            var delivery = await channel.BasicGetAsync(
                queue + ErrorSuffix,
                autoAck: false,
                cancellationToken
            );
            if (delivery is null)
                break;
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
                await DeadLetterStore.ParkAsync(
                    connection,
                    Describe(queue, delivery),
                    cancellationToken
                );
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, cancellationToken);
            taken++;
        }
        return taken;
    }

    public static ParkedMessage Describe(string queue, BasicGetResult delivery)
    {
        var properties = delivery.BasicProperties;
        var headers = (properties.Headers ?? new Dictionary<string, object?>()).ToDictionary(
            h => h.Key,
            h => HeaderText(h.Value)
        );
        var body = delivery.Body.ToArray();
        var failedAt =
            headers.GetValueOrDefault("MT-Fault-Timestamp") is { } stamp
            && DateTimeOffset.TryParse(stamp, out var parsed)
                ? parsed.ToUniversalTime()
                : DateTimeOffset.UtcNow;
        return new ParkedMessage(
            queue,
            properties.MessageId
                ?? headers.GetValueOrDefault("MessageId")
                ?? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body))[..32],
            headers.GetValueOrDefault("MT-Fault-Timestamp")
                ?? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body))[..32],
            MessageLabels.TypeName(
                MessageTypeUrn(body) ?? headers.GetValueOrDefault("MT-MessageType")
            ),
            failedAt,
            headers.GetValueOrDefault("MT-Fault-ExceptionType"),
            WithoutIdNumbers(headers.GetValueOrDefault("MT-Fault-Message")),
            properties.ContentType,
            JsonSerializer.Serialize(headers),
            body
        );
    }

    /// <summary>Puts a kept message back on its queue (the default exchange routes by queue name),
    /// unchanged but for the fault headers, and waits for the broker to confirm it.</summary>
    public static async Task ReturnAsync(
        IConnection connection,
        StoredMessage message,
        CancellationToken cancellationToken
    )
    {
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(
                publisherConfirmationsEnabled: true,
                publisherConfirmationTrackingEnabled: true
            ),
            cancellationToken
        );
        var headers = JsonSerializer.Deserialize<Dictionary<string, string?>>(message.Headers)
            ?? [];
        var properties = new BasicProperties
        {
            MessageId = message.MessageId,
            ContentType = message.ContentType,
            Persistent = true,
            Headers = headers
                .Where(h => !IsFaultHeader(h.Key) && h.Value is not null)
                .ToDictionary(h => h.Key, h => (object?)h.Value),
        };
        await channel.BasicPublishAsync(
            exchange: "",
            routingKey: message.Queue,
            mandatory: true,
            basicProperties: properties,
            body: message.Body,
            cancellationToken: cancellationToken
        );
    }

    private static string? MessageTypeUrn(byte[] body)
    {
        try
        {
            using var envelope = JsonDocument.Parse(body);
            return
                envelope.RootElement.TryGetProperty("messageType", out var types)
                && types.ValueKind == JsonValueKind.Array
                && types.GetArrayLength() > 0
                ? types[0].GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? HeaderText(object? value) =>
        value switch
        {
            null => null,
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            AmqpTimestamp stamp => DateTimeOffset.FromUnixTimeSeconds(stamp.UnixTime).ToString("O"),
            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
        };

    /// <summary>An exception's text may quote the message: an ID number in it is masked before it
    /// is kept or shown.</summary>
    public static string? WithoutIdNumbers(string? text) =>
        text is null
            ? null
            : IdNumberPattern().Replace(text, m => Subsidy.Contracts.IdNumber.Mask(m.Value));

    [GeneratedRegex(@"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")]
    private static partial Regex IdNumberPattern();
}
