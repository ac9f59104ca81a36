using MassTransit;
using Subsidy.Contracts;

namespace Subsidy.EndToEndTests;

/// <summary>docs/architecture.md: poison messages land in error queues and are visible — here, in
/// the business metrics.</summary>
[Collection(SystemCollection.Name)]
public class DeadLetterTests(SubsidySystem system)
{
    private const string Queue = "document-settlement-documents";

    [Fact]
    public async Task A_step_event_the_document_service_can_never_process_lands_in_its_error_queue_and_is_counted()
    {
        var before = (await ScrapedMetrics.ReadAsync(system, "document")).Sum(
            "subsidy_dead_letters",
            ("queue", Queue + "_error")
        );

        // No division has this code: the documents of its confirmation cannot be made, on any
        // retry.
        var poison = new SettlementStepTaken(
            Guid.NewGuid(),
            "3602221002XX",
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

        // Four retries (0.2 + 1 + 3 + 10 s), then the error queue; the gauge is read every ten
        // seconds.
        await Eventually.TrueAsync(
            async () =>
                (await ScrapedMetrics.ReadAsync(system, "document")).Sum(
                    "subsidy_dead_letters",
                    ("queue", Queue + "_error")
                )
                == before + 1,
            "the poison message to be counted in the error queue",
            TimeSpan.FromSeconds(60)
        );
    }
}
