using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Subsidy.ServiceDefaults.Telemetry;

/// <summary>The system's own activity source and meter, shared by every service.</summary>
public static class SubsidyTelemetry
{
    public const string ActivitySourceName = "Subsidy";
    public const string MeterName = "Subsidy";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);
    public static readonly Meter Meter = new(MeterName);
}
