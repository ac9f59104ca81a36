using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using Subsidy.ServiceDefaults.Http;
using Subsidy.ServiceDefaults.Telemetry;

namespace Subsidy.UnitTests.ServiceDefaults;

public class ErrorResponsesTests
{
    [Fact]
    public void Bad_json_is_a_chinese_400_naming_where()
    {
        var json = new System.Text.Json.JsonException(
            "The JSON value could not be converted",
            "$.amount",
            1,
            12
        );
        var (status, title, detail) = ErrorResponses.Describe(
            new BadHttpRequestException("Failed to read parameter", json)
        );
        Assert.Equal((400, "输入有误"), (status, title));
        Assert.Contains("$.amount", detail);
        Assert.DoesNotContain("Failed", detail);
    }

    [Fact]
    public void A_body_over_the_limit_is_413()
    {
        Assert.Equal(
            413,
            ErrorResponses
                .Describe(
                    new BadHttpRequestException(
                        "Request body too large.",
                        StatusCodes.Status413PayloadTooLarge
                    )
                )
                .Status
        );
    }

    [Fact]
    public void A_character_the_database_cannot_keep_is_400_not_500()
    {
        var nul = new PostgresException(
            "invalid byte sequence for encoding \"UTF8\": 0x00",
            "ERROR",
            "ERROR",
            "22021"
        );
        var (status, _, detail) = ErrorResponses.Describe(nul);
        Assert.Equal(400, status);
        Assert.DoesNotContain("UTF8", detail);
    }

    [Fact]
    public void Anything_else_is_a_500_that_gives_away_nothing_but_the_trace_id()
    {
        using var activity = new Activity("request").Start();
        var (status, _, detail) = ErrorResponses.Describe(
            new InvalidOperationException("SELECT * FROM secrets WHERE id = 360222198001011234")
        );
        Assert.Equal(500, status);
        Assert.DoesNotContain("SELECT", detail);
        Assert.DoesNotContain("360222", detail);
        Assert.Contains(activity.TraceId.ToString(), detail);
    }

    [Theory]
    [InlineData("360222\0", true)]
    [InlineData("a\u0001b", true)]
    [InlineData("\uFFFD", true)]
    [InlineData("360222100201", false)]
    [InlineData("浮梁县", false)]
    public void Control_characters_and_undecodable_bytes_are_unfit_for_a_request(
        string text,
        bool unfit
    ) => Assert.Equal(unfit, HostileInput.Unfit(text));
}

public class RedactionOfExceptionsScopesAndEventsTests
{
    private const string Person = "360222198001011234";

    [Fact]
    public void An_exception_naming_a_person_is_logged_as_its_redacted_stand_in()
    {
        Exception thrown;
        try
        {
            throw new InvalidOperationException($"参保人 {Person} 重复");
        }
        catch (Exception e)
        {
            thrown = e;
        }
        var redacted = RedactedException.Of(thrown);
        Assert.DoesNotContain(Person, redacted.Message);
        Assert.DoesNotContain(Person, redacted.ToString());
        Assert.Equal(
            typeof(InvalidOperationException).FullName,
            ((RedactedException)redacted).OriginalType
        );
        var harmless = new InvalidOperationException("村 360222100201 无方案");
        Assert.Same(harmless, RedactedException.Of(harmless));
    }

    [Fact]
    public void Scope_values_are_redacted_as_exporters_read_them()
    {
        var scopes = new LoggerExternalScopeProvider();
        using var _ = scopes.Push(
            new Dictionary<string, object?> { ["RequestPath"] = $"/api/x/{Person}", ["Count"] = 3 }
        );
        using var __ = scopes.Push($"member {Person}");
        var seen = new List<string>();
        new RedactingScopeProvider(scopes).ForEachScope(
            (scope, list) =>
                list.Add(
                    scope is IEnumerable<KeyValuePair<string, object?>> pairs
                        ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}"))
                        : scope?.ToString() ?? ""
                ),
            seen
        );
        Assert.Equal(2, seen.Count);
        Assert.All(seen, s => Assert.DoesNotContain(Person, s));
        Assert.Contains("Count=3", seen[0]);
    }

    [Fact]
    public void OpenTelemetry_and_the_runtime_still_keep_scopes_and_events_where_the_redactors_reach_them()
    {
        Assert.NotNull(IdNumberLogRedactor.LoggerDataField);
        Assert.NotNull(IdNumberLogRedactor.ScopeProviderField);
        Assert.NotNull(IdNumberActivityRedactor.EventsField);
    }

    [Fact]
    public void Span_events_and_status_lose_their_id_numbers()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) =>
                ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("redaction-test");
        var activity = source.StartActivity("step")!;
        activity.AddException(new InvalidOperationException($"duplicate {Person}"));
        activity.SetStatus(ActivityStatusCode.Error, $"failed for {Person}");
        activity.Stop();
        new IdNumberActivityRedactor().OnEnd(activity);
        Assert.DoesNotContain(Person, activity.StatusDescription);
        Assert.All(activity.Events.SelectMany(e => e.Tags), t =>
            Assert.DoesNotContain(Person, t.Value?.ToString() ?? "")
        );
        Assert.Contains(activity.Events.SelectMany(e => e.Tags), t => t.Key == "exception.message");
    }
}
