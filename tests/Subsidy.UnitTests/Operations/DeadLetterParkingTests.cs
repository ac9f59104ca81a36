using System.Text;
using MassTransit;
using RabbitMQ.Client;
using Subsidy.ServiceData.Operations;

namespace Subsidy.UnitTests.Operations;

public class DeadLetterParkingTests
{
    private static BasicGetResult Delivery(Dictionary<string, object?> headers, string body) =>
        new(
            deliveryTag: 7,
            redelivered: false,
            exchange: "",
            routingKey: "document-settlement-documents_error",
            messageCount: 0,
            basicProperties: new BasicProperties
            {
                MessageId = "0b1c0000-aaaa-bbbb-cccc-000000000001",
                ContentType = "application/vnd.masstransit+json",
                Headers = headers,
            },
            body: Encoding.UTF8.GetBytes(body)
        );

    private static readonly Dictionary<string, object?> FaultHeaders = new()
    {
        ["MT-Reason"] = Encoding.UTF8.GetBytes("fault"),
        ["MT-Fault-ExceptionType"] = Encoding.UTF8.GetBytes("System.InvalidOperationException"),
        ["MT-Fault-Message"] = Encoding.UTF8.GetBytes(
            "成员 360222195001010012 的区划 3602221003XX 未知"
        ),
        ["MT-Fault-Timestamp"] = Encoding.UTF8.GetBytes("2026-12-07T02:03:04.5000000Z"),
        ["MT-Host-MachineName"] = Encoding.UTF8.GetBytes("node-1"),
        ["MT-Activity-Id"] = Encoding.UTF8.GetBytes("00-abc-def-01"),
    };

    private const string Envelope = """
        {"messageId":"0b1c0000-aaaa-bbbb-cccc-000000000001",
         "messageType":["urn:message:Subsidy.Contracts:SettlementStepTaken"],"message":{}}
        """;

    [Fact]
    public void A_dead_letter_is_kept_with_its_type_failure_time_and_exception_with_ID_numbers_masked()
    {
        var parked = DeadLetterParking.Describe(
            "document-settlement-documents",
            Delivery(FaultHeaders, Envelope)
        );

        Assert.Equal("document-settlement-documents", parked.Queue);
        Assert.Equal("0b1c0000-aaaa-bbbb-cccc-000000000001", parked.MessageId);
        Assert.Equal("SettlementStepTaken", parked.MessageType);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 2, 3, 4, 500, TimeSpan.Zero), parked.FailedAt);
        Assert.Equal("System.InvalidOperationException", parked.ExceptionType);
        Assert.Equal("成员 360222********0012 的区划 3602221003XX 未知", parked.ExceptionMessage);
        Assert.Equal(Envelope, Encoding.UTF8.GetString(parked.Body));
    }

    [Fact]
    public void The_same_failure_taken_twice_has_one_key_and_a_second_failure_of_the_message_another()
    {
        var first = DeadLetterParking.Describe("q", Delivery(FaultHeaders, Envelope));
        var again = DeadLetterParking.Describe("q", Delivery(FaultHeaders, Envelope));
        var later = DeadLetterParking.Describe(
            "q",
            Delivery(
                new Dictionary<string, object?>(FaultHeaders)
                {
                    ["MT-Fault-Timestamp"] = Encoding.UTF8.GetBytes("2026-12-07T02:10:00Z"),
                },
                Envelope
            )
        );

        Assert.Equal((first.MessageId, first.FailureKey), (again.MessageId, again.FailureKey));
        Assert.Equal(first.MessageId, later.MessageId);
        Assert.NotEqual(first.FailureKey, later.FailureKey);
    }

    [Theory]
    [InlineData(
        "36022219500101001X 与 360222195001010012",
        "360222********001X 与 360222********0012"
    )]
    [InlineData(
        "订单号 1234567890123456789 不是身份号码",
        "订单号 1234567890123456789 不是身份号码"
    )]
    [InlineData("区划 360222100201", "区划 360222100201")]
    public void Only_ID_numbers_are_masked_in_exception_text(string text, string shown) =>
        Assert.Equal(shown, DeadLetterParking.WithoutIdNumbers(text));

    [Fact]
    public void Every_message_a_service_consumes_has_a_Chinese_name_for_the_operator()
    {
        var consumed = new[]
        {
            "Calculation",
            "Document",
            "SchemeRegistry",
            "ContributionImport",
            "Identity",
        }
            .Select(System.Reflection.Assembly.Load)
            .Append(typeof(Subsidy.ServiceDefaults.Auth.Roles).Assembly)
            .Append(typeof(DeadLetterParking).Assembly)
            .SelectMany(a => a.GetTypes())
            .Where(t => !t.IsAbstract)
            .SelectMany(t => t.GetInterfaces())
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>))
            .Select(i => i.GetGenericArguments()[0])
            .Where(t => !t.IsGenericParameter)
            .Select(t => t.Name)
            .Distinct()
            .ToList();

        Assert.NotEmpty(consumed);
        Assert.All(consumed, name => Assert.DoesNotContain("其他消息", MessageLabels.Label(name)));
    }

    [Fact]
    public void A_state_outside_the_three_is_named_unknown_and_each_of_the_three_in_Chinese()
    {
        Assert.Equal(
            ["待处理", "已重新投递", "已丢弃"],
            DeadLetterStates.All.Select(DeadLetterStates.Label)
        );
        Assert.Equal("未知状态", DeadLetterStates.Label("lost"));
    }
}
