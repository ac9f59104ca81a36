using System.Collections.Concurrent;
using MassTransit;
using Subsidy.Contracts;
using Subsidy.ServiceData.Messaging;
using Subsidy.ServiceDefaults.Messaging;

namespace TaxBureauSimulator;

public enum AnswerMode
{
    Pay,
    ShortPay,
    OverPay,
    Duplicate,
    Reject,
    Unknown,
}

public sealed record Instruction(AnswerMode Mode, double? DelaySeconds);

/// <summary>How to answer each village's next requests; Pay after the configured delay unless told
/// otherwise.</summary>
public sealed class Instructions(IConfiguration configuration)
{
    private readonly ConcurrentDictionary<string, Instruction> _byVillage = new();

    /// <summary>The latest requests, for tests to look at; a city's year is thousands, each with
    /// its members' lines.</summary>
    public ConcurrentQueue<PaymentRequested> Received { get; } = new();

    public void Remember(PaymentRequested request)
    {
        Received.Enqueue(request);
        while (Received.Count > 1000)
            Received.TryDequeue(out _);
    }

    public void Set(string villageCode, Instruction instruction) =>
        _byVillage[villageCode] = instruction;

    public (AnswerMode Mode, TimeSpan Delay) For(string villageCode)
    {
        var instruction = _byVillage.GetValueOrDefault(villageCode);
        return (
            instruction?.Mode ?? AnswerMode.Pay,
            TimeSpan.FromSeconds(
                instruction?.DelaySeconds ?? configuration.GetValue("TaxBureau:DelaySeconds", 1.0)
            )
        );
    }
}

public sealed class PaymentRequestedConsumer(
    Instructions instructions,
    ILogger<PaymentRequestedConsumer> logger
) : IConsumer<PaymentRequested>
{
    public async Task Consume(ConsumeContext<PaymentRequested> context)
    {
        var request = context.Message;
        instructions.Remember(request);
        var (mode, delay) = instructions.For(request.VillageCode);
        await Task.Delay(delay, context.CancellationToken);
        // The receipt number follows from the notice, so a redelivered request is answered with the
        // same receipt.
        var receipt = "SW" + request.NoticeNumber.Replace("-", "", StringComparison.Ordinal);
        var paidAt = DateTimeOffset.UtcNow;
        switch (mode)
        {
            case AnswerMode.Reject:
                await context.Publish(
                    new PaymentRejected(
                        request.NoticeNumber,
                        "缴费单位在税务部门的登记信息与通知单不符，无法缴费",
                        paidAt
                    )
                );
                break;
            case AnswerMode.Unknown:
                await context.Publish(
                    new PaymentReceived(
                        request.NoticeNumber + "-X",
                        request.Amount,
                        paidAt,
                        receipt + "X"
                    )
                );
                break;
            default:
                var amount = mode switch
                {
                    AnswerMode.ShortPay => request.Amount - 10m,
                    AnswerMode.OverPay => request.Amount + 10m,
                    _ => request.Amount,
                };
                await context.Publish(
                    new PaymentReceived(request.NoticeNumber, amount, paidAt, receipt)
                );
                if (mode == AnswerMode.Duplicate)
                    await context.Publish(
                        new PaymentReceived(request.NoticeNumber, amount, paidAt, receipt)
                    );
                break;
        }
        logger.LogInformation("Answered {Notice} with {Mode}", request.NoticeNumber, mode);
    }
}

public static class SimulatorSetup
{
    public static void AddSimulator(this IHostApplicationBuilder builder)
    {
        var broker = BrokerAddress.Parse(
            builder.Configuration.GetConnectionString(MessagingExtensions.BrokerConnectionName)
                ?? throw new InvalidOperationException(
                    "缺少消息队列连接配置 ConnectionStrings:rabbitmq。"
                )
        );
        builder.Services.AddSingleton<Instructions>();
        builder.Services.ConfigureHttpJsonOptions(json =>
            json.SerializerOptions.Converters.Add(
                new System.Text.Json.Serialization.JsonStringEnumConverter()
            )
        );
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(
                new KebabCaseEndpointNameFormatter("tax-bureau", includeNamespace: false)
            );
            // A tax bureau serves many windows at once: answers wait out their delay side by side.
            bus.AddConsumer<PaymentRequestedConsumer>(consumer =>
                consumer.ConcurrentMessageLimit = 64
            );
            bus.AddConfigureEndpointsCallback(
                (_, endpoint) =>
                {
                    if (broker.IsCluster && endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                        rabbit.SetQuorumQueue(broker.Nodes.Count);
                }
            );
            bus.UsingRabbitMq(
                (context, rabbit) =>
                {
                    broker.ConfigureHost(rabbit);
                    rabbit.UseSubsidyJson();
                    rabbit.ConfigureEndpoints(context);
                }
            );
        });
    }

    public static void MapSimulatorApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/simulator");
        group.MapPost(
            "/instructions/{villageCode}",
            (string villageCode, Instruction instruction, Instructions instructions) =>
            {
                instructions.Set(villageCode, instruction);
                return TypedResults.NoContent();
            }
        );
        group.MapGet("/requests", (Instructions instructions) =>
            TypedResults.Ok(instructions.Received.ToArray())
        );
    }
}
