using MassTransit;
using Subsidy.Contracts;

namespace Subsidy.EndToEndTests;

/// <summary>Messages a service can never process, published on the system's real broker.</summary>
public static class PoisonMessages
{
    /// <summary>
    /// A village's confirmation whose documents cannot be made on any retry (no division has the
    /// code): it ends in the document service's error queue.
    /// </summary>
    public static async Task PublishConfirmationOfUnknownVillageAsync(
        SubsidySystem system,
        string village
    )
    {
        var poison = new SettlementStepTaken(
            Guid.NewGuid(),
            village,
            2026,
            SettlementStep.Confirm,
            SettlementState.Calculated,
            SettlementState.Confirmed,
            "test",
            "village-clerk",
            DateTimeOffset.UtcNow,
            null,
            new SettlementSnapshot(
                Guid.NewGuid(),
                "测试合作社",
                null,
                0,
                null,
                null,
                0,
                0,
                0,
                null,
                []
            )
        );
        var broker = new Uri(await system.BrokerConnectionStringAsync());
        var publisher = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(broker);
            Subsidy.ServiceData.Messaging.MessagingExtensions.UseSubsidyJson(rabbit);
        });
        await publisher.StartAsync();
        try
        {
            await publisher.Publish(poison);
        }
        finally
        {
            await publisher.StopAsync();
        }
    }
}
