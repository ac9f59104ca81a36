using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Subsidy.EndToEndTests;

/// <summary>docs/architecture.md and docs/operations/runbook.md: poison messages land in error
/// queues, are counted in the business metrics, and the city's operator reads each one and returns
/// it to its queue or discards it, every decision audited.</summary>
[Collection(SystemCollection.Name)]
public class DeadLetterTests(SubsidySystem system)
{
    private const string Queue = "document-settlement-documents";
    private const string DeadLetters = "/api/documents/operations/dead-letters";

    [Fact]
    public async Task A_step_event_the_document_service_can_never_process_lands_in_its_error_queue_and_is_counted()
    {
        // The gauge is read every ten seconds: first it settles on the dead letters now waiting
        // (another test may just have handled one).
        var operatorClient = await system.GatewayAsAsync("operator", "3602");
        var before = (await WaitingAsync(operatorClient)).Count(l =>
            l["queue"]!.GetValue<string>() == Queue
        );
        await Eventually.TrueAsync(
            async () =>
                (await ScrapedMetrics.ReadAsync(system, "document")).Sum(
                    "subsidy_dead_letters",
                    ("queue", Queue + "_error")
                ) == before,
            "the gauge to count the dead letters waiting now",
            TimeSpan.FromSeconds(30)
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

    [Fact]
    public async Task The_operator_reads_a_dead_letter_returns_it_to_its_queue_and_discards_it_when_it_fails_again_each_decision_audited()
    {
        var operatorClient = await system.GatewayAsAsync("operator", "3602");
        var waitingBefore = await WaitingAsync(operatorClient);

        await PoisonMessages.PublishConfirmationOfUnknownVillageAsync(system, "3602221003XX");

        var letter = await Eventually.GetAsync(
            async () =>
            {
                var page = await WaitingAsync(operatorClient);
                return page.Count > waitingBefore.Count
                    ? page.Where(l => l["queue"]!.GetValue<string>() == Queue)
                        .MaxBy(l => l["id"]!.GetValue<long>())
                    : null;
            },
            "the poison message among the operator's waiting dead letters",
            TimeSpan.FromSeconds(60)
        );
        Assert.Equal("SettlementStepTaken", letter["messageType"]!.GetValue<string>());
        Assert.Equal("村年度结算环节办理", letter["messageLabel"]!.GetValue<string>());
        Assert.Equal("待处理", letter["stateLabel"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(letter["exceptionMessage"]?.GetValue<string>()));
        var id = letter["id"]!.GetValue<long>();

        // A decision without a reason is refused at its field.
        using (
            var noReason = await operatorClient.PostAsJsonAsync(
                $"{DeadLetters}/{id}/return",
                new { reason = "" }
            )
        )
        {
            Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
            Assert.Contains("原因", await noReason.Content.ReadAsStringAsync());
        }

        using (
            var returned = await operatorClient.PostAsJsonAsync(
                $"{DeadLetters}/{id}/return",
                new { reason = "区划已补录，重新处理" }
            )
        )
            Assert.Equal(HttpStatusCode.NoContent, returned.StatusCode);
        Assert.Contains(await ListAsync(operatorClient, "returned"), l =>
            l["id"]!.GetValue<long>() == id
            && l["handledReason"]!.GetValue<string>() == "区划已补录，重新处理"
        );

        // Back on its queue, the consumer takes it again; it still cannot be processed, so after
        // its retries it is a dead letter once more, a new one.
        var again = await Eventually.GetAsync(
            async () =>
                (await WaitingAsync(operatorClient)).FirstOrDefault(l =>
                    l["queue"]!.GetValue<string>() == Queue && l["id"]!.GetValue<long>() > id
                ),
            "the returned message to fail again and wait for the operator",
            TimeSpan.FromSeconds(60)
        );
        var againId = again["id"]!.GetValue<long>();
        using (
            var discarded = await operatorClient.PostAsJsonAsync(
                $"{DeadLetters}/{againId}/discard",
                new { reason = "测试消息，无需处理" }
            )
        )
            Assert.Equal(HttpStatusCode.NoContent, discarded.StatusCode);
        using (
            var twice = await operatorClient.PostAsJsonAsync(
                $"{DeadLetters}/{againId}/discard",
                new { reason = "再次丢弃" }
            )
        )
        {
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
            Assert.Contains("已丢弃", await twice.Content.ReadAsStringAsync());
        }
        Assert.DoesNotContain(await WaitingAsync(operatorClient), l =>
            l["id"]!.GetValue<long>() == againId
        );

        // Both decisions are in the document service's audit log, readable by the city's auditor.
        var auditor = await system.GatewayAsAsync("auditor", "3602");
        var audit = await auditor.GetFromJsonAsync<JsonArray>(
            "/api/documents/audit?division=3602&entity=dead-letter"
        );
        Assert.Contains(audit!, e =>
            e!["entityKey"]!.GetValue<string>() == $"{Queue}#{id}"
            && e["action"]!.GetValue<string>() == "重新投递"
        );
        Assert.Contains(audit!, e =>
            e!["entityKey"]!.GetValue<string>() == $"{Queue}#{againId}"
            && e["action"]!.GetValue<string>() == "丢弃"
            && e["actor"]!.GetValue<string>() == "operator-3602"
        );
    }

    [Fact]
    public async Task Only_the_operator_sees_the_queues_and_dead_letters_and_the_gateway_lists_every_instance_healthy()
    {
        var city = await system.GatewayAsAsync("city-bureau", "3602");
        foreach (
            var path in new[]
            {
                DeadLetters,
                "/api/calculation/operations/queues",
                "/api/operations/instances",
            }
        )
        {
            using var refused = await city.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("运维人员", await refused.Content.ReadAsStringAsync());
        }
        using (
            var wrongId = await city.PostAsJsonAsync(
                $"{DeadLetters}/1/discard",
                new { reason = "x" }
            )
        )
            Assert.Equal(HttpStatusCode.Forbidden, wrongId.StatusCode);

        var operatorClient = await system.GatewayAsAsync("operator", "3602");
        using (var badState = await operatorClient.GetAsync($"{DeadLetters}?state=lost"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
            Assert.Contains("待处理", await badState.Content.ReadAsStringAsync());
        }
        using (
            var missing = await operatorClient.PostAsJsonAsync(
                $"{DeadLetters}/987654321/discard",
                new { reason = "不存在" }
            )
        )
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var services = await operatorClient.GetFromJsonAsync<JsonArray>(
            "/api/operations/instances"
        );
        foreach (
            var service in new[]
            {
                "identity",
                "scheme-registry",
                "contribution-import",
                "calculation",
                "document",
                "portal",
            }
        )
        {
            var entry = services!.Single(s => s!["service"]!.GetValue<string>() == service)!;
            Assert.All(entry["instances"]!.AsArray(), i =>
                Assert.Equal("正常", i!["healthLabel"]!.GetValue<string>())
            );
        }
        // Each service answers for its own queues, the calculation's include the settlement's.
        var queues = await operatorClient.GetFromJsonAsync<JsonArray>(
            "/api/calculation/operations/queues"
        );
        Assert.NotEmpty(queues!);
        Assert.All(queues!, q =>
            Assert.StartsWith("calculation-", q!["queue"]!.GetValue<string>())
        );
    }

    private static async Task<List<JsonNode>> WaitingAsync(HttpClient client) =>
        await ListAsync(client, "waiting");

    private static async Task<List<JsonNode>> ListAsync(HttpClient client, string state) =>
        (await client.GetFromJsonAsync<JsonObject>($"{DeadLetters}?state={state}&pageSize=100"))![
            "items"
        ]!
            .AsArray()
            .Select(n => n!)
            .ToList();
}
