using Subsidy.Admin;

// ./run.sh admin export-county 360222 2026 [--out DIRECTORY]   a county's year as an archive
// ./run.sh admin verify-archive DIRECTORY                       every file against the archive's manifest
return args switch
{
    ["export-county", var county, var year, .. var rest] => await CountyArchive.ExportAsync(
        Environment.GetEnvironmentVariable("ConnectionStrings__postgres")
            ?? throw new InvalidOperationException("ConnectionStrings__postgres is not set"),
        county,
        year,
        rest is ["--out", var output] ? output : Directory.GetCurrentDirectory()
    ),
    ["verify-archive", var directory] => ArchiveManifest.Verify(directory),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine(
        "用法 usage: export-county <县级区划代码> <年度> [--out 目录] | verify-archive <档案目录>"
    );
    return 2;
}
