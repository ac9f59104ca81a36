using System.Diagnostics.Metrics;
using Subsidy.ServiceData.Telemetry;
using Subsidy.ServiceDefaults.Telemetry;

namespace Subsidy.UnitTests.ServiceData;

public class BusinessMetricsTests
{
    [Fact]
    public void Village_years_per_state_and_the_backlog_are_reported_on_the_Subsidy_meter_with_their_tags()
    {
        BusinessGauges.Set("village_years", "unit-test-state", 42);
        BusinessGauges.Set("backlog", "unit-test-queue", 7);
        var seen = new List<(string Instrument, string Tag, long Value)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SubsidyTelemetry.MeterName)
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>(
            (instrument, value, tags, _) =>
            {
                foreach (var tag in tags)
                    seen.Add((instrument.Name, $"{tag.Key}={tag.Value}", value));
            }
        );
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.Contains(("subsidy.village_years", "state=unit-test-state", 42L), seen);
        Assert.Contains(("subsidy.backlog", "queue=unit-test-queue", 7L), seen);
    }

    [Fact]
    public void A_state_that_no_village_year_is_in_any_more_reads_zero_instead_of_its_last_count()
    {
        var reading = BusinessGauges
            .Reading(["calculated", "confirmed"], [("confirmed", 5), ("notice-published", 3)])
            .OrderBy(r => r.Tag)
            .ToList();
        Assert.Equal([("calculated", 0L), ("confirmed", 5L), ("notice-published", 3L)], reading);
    }
}
