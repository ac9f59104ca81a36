using System.Diagnostics.Metrics;

namespace Subsidy.ServiceDefaults.Telemetry;

/// <summary>
/// The free share of the disks a service writes to (its own folder and the temporary folder, where
/// uploads and documents pass through): a full disk stops imports and the database alike, and is
/// seen here before it happens.
/// </summary>
public static class DiskSpace
{
    private static readonly Lazy<ObservableGauge<double>> Gauge = new(() =>
        SubsidyTelemetry.Meter.CreateObservableGauge(
            "subsidy.disk.free_ratio",
            Observe,
            description: "Free share of the disk holding each folder the service writes to"
        )
    );

    /// <summary>Registers the gauge (once per process).</summary>
    public static void Register() => _ = Gauge.Value;

    private static IEnumerable<Measurement<double>> Observe()
    {
        foreach (
            var (folder, path) in new[]
            {
                ("service", AppContext.BaseDirectory),
                ("temp", Path.GetTempPath()),
            }
        )
        {
            DriveInfo drive;
            try
            {
                drive = new DriveInfo(path);
                if (drive.TotalSize == 0)
                    continue;
            }
            catch (Exception e)
                when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                continue;
            }
            yield return new Measurement<double>(
                (double)drive.AvailableFreeSpace / drive.TotalSize,
                new KeyValuePair<string, object?>("folder", folder)
            );
        }
    }
}
