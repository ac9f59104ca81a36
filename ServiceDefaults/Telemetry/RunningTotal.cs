using System.Diagnostics.Metrics;

namespace Subsidy.ServiceDefaults.Telemetry;

/// <summary>
/// A counter exported from the service's start, at 0 until something happens: a dashboard shows "0
/// rows rejected", and an alert on its increase has a series to watch, instead of "no data" until
/// the first event.
/// </summary>
public sealed class RunningTotal
{
    private long _total;

    public RunningTotal(string name, string description) =>
        SubsidyTelemetry.Meter.CreateObservableCounter(
            name,
            () => Interlocked.Read(ref _total),
            description: description
        );

    public void Add(long amount) => Interlocked.Add(ref _total, amount);
}
