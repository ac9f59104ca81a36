using Subsidy.Admin;

// ./run.sh admin export-county 360222 2026 --purpose 用途 [--out DIRECTORY]   a county's year as an archive
// ./run.sh admin verify-archive DIRECTORY                       every file against the archive's manifest
// ./run.sh admin audit verify                                   every service's audit chain, naming the first broken link
// ./run.sh admin keys rotate-data                               new data keys; stored personal data re-sealed in the background
// ./run.sh admin keys status                                    each database's data key and what still waits to be re-sealed
try
{
    return await RunAsync(args);
}
catch (Exception e)
    when (e
            is Npgsql.NpgsqlException
                or IOException
                or UnauthorizedAccessException
                or InvalidOperationException
    )
{
    // What went wrong, in a sentence: the operator reruns the command once it is fixed (an export
    // writes under ….partial until complete).
    Console.Error.WriteLine($"命令未完成：{e.Message}");
    return 1;
}

static async Task<int> RunAsync(string[] args) =>
    args switch
    {
        ["export-county", var county, var year, .. var rest] => await CountyArchive.ExportAsync(
            Environment.GetEnvironmentVariable("ConnectionStrings__postgres")
                ?? throw new InvalidOperationException("ConnectionStrings__postgres is not set"),
            county,
            year,
            Option(rest, "--out") ?? Directory.GetCurrentDirectory(),
            Option(rest, "--purpose")
        ),
        ["verify-archive", var directory] => ArchiveManifest.Verify(directory),
        ["audit", "verify"] => await AuditVerification.RunAsync(
            Environment.GetEnvironmentVariable("ConnectionStrings__postgres")
                ?? throw new InvalidOperationException("ConnectionStrings__postgres is not set")
        ),
        ["keys", "rotate-data"] => await DataKeyRotation.RunAsync(Server()),
        ["keys", "status"] => await DataKeyRotation.StatusAsync(Server()),
        _ => Usage(),
    };

/// <summary>The value after <paramref name="name"/> among a command's options, if given.</summary>
static string? Option(string[] options, string name)
{
    var at = Array.IndexOf(options, name);
    return at >= 0 && at + 1 < options.Length ? options[at + 1] : null;
}

static string Server() =>
    Environment.GetEnvironmentVariable("ConnectionStrings__postgres")
    ?? throw new InvalidOperationException("ConnectionStrings__postgres is not set");

static int Usage()
{
    Console.Error.WriteLine(
        "用法 usage: export-county <县级区划代码> <年度> --purpose <用途> [--out 目录] | verify-archive <档案目录> | audit verify | keys rotate-data | keys status"
    );
    return 2;
}
