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

        await PoisonMessages.PublishConfirmationOfUnknownVillageAsync(system, "3602221002XX");

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
