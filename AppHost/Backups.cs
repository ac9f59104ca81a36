using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Subsidy.AppHost;

/// <summary>
/// Backups of the local PostgreSQL server (docs/operations/backup-and-restore.md): the WAL archive
/// (every finished segment, archived by the server itself) and base backups taken by
/// infra/backup.sh. On by default in Production; Backup:Enabled turns them on or off elsewhere.
/// Backup:Directory (default: backups beside the data), Backup:Keep base backups (7),
/// Backup:IntervalHours between base backups (24).
/// </summary>
public sealed record BackupSettings(bool Enabled, string Directory, int Keep, double IntervalHours)
{
    public string WalArchive => Path.Combine(Directory, "wal");

    public static BackupSettings From(
        IDistributedApplicationBuilder builder,
        string dataDirectory
    ) =>
        new(
            builder.Configuration.GetValue("Backup:Enabled", builder.Environment.IsProduction()),
            builder.Configuration["Backup:Directory"] is { Length: > 0 } directory
                ? Path.GetFullPath(directory)
                : Path.Combine(dataDirectory, "backups"),
            builder.Configuration.GetValue("Backup:Keep", 7),
            builder.Configuration.GetValue("Backup:IntervalHours", 24.0)
        );
}

/// <summary>Takes a base backup once the server answers if the newest is older than the interval
/// (or there is none), then again each interval, pruning to Backup:Keep.</summary>
public sealed partial class BackupSchedule(
    BackupSettings settings,
    string script,
    string postgresDataDirectory,
    int postgresPort,
    ResourceNotificationService notifications,
    ILogger<BackupSchedule> logger
) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await notifications.WaitForResourceHealthyAsync("postgres", stoppingToken);
            using var timer = new PeriodicTimer(TimeSpan.FromMinutes(10));
            do
            {
                if (NewestAge() is not { } age || age.TotalHours >= settings.IntervalHours)
                    await TakeAsync(stoppingToken);
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    private TimeSpan? NewestAge()
    {
        var bases = Path.Combine(settings.Directory, "base");
        if (!Directory.Exists(bases))
            return null;
        var newest = Directory
            .GetFiles(bases, "*.end")
            .Select(f => DateTimeOffset.Parse(File.ReadAllText(f).Trim()))
            .DefaultIfEmpty()
            .Max();
        return newest == default ? null : DateTimeOffset.UtcNow - newest;
    }

    private async Task TakeAsync(CancellationToken cancellationToken)
    {
        using var process = Process.Start(
            new ProcessStartInfo(
                "bash",
                [
                    script,
                    "take",
                    postgresDataDirectory,
                    postgresPort.ToString(),
                    settings.Directory,
                    settings.Keep.ToString(),
                ]
            )
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }
        )!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode == 0)
            LogTaken(logger, (await output).Trim());
        else
            LogFailed(logger, process.ExitCode, (await error).Trim());
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "定时基础备份 scheduled base backup: {Output}"
    )]
    private static partial void LogTaken(ILogger logger, string output);

    [LoggerMessage(
        Level = LogLevel.Error,
        Message = "基础备份失败 base backup failed (exit {ExitCode}): {Error}"
    )]
    private static partial void LogFailed(ILogger logger, int exitCode, string error);
}
