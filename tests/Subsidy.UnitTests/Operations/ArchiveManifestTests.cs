using Subsidy.Admin;

namespace Subsidy.UnitTests.Operations;

public sealed class ArchiveManifestTests : IDisposable
{
    private readonly string _archive = Directory.CreateTempSubdirectory("archive-").FullName;

    public ArchiveManifestTests()
    {
        Directory.CreateDirectory(Path.Combine(_archive, "documents", "360222100201"));
        File.WriteAllText(
            Path.Combine(_archive, "documents", "360222100201", "roster-pdf-v1-花名册.pdf"),
            "%PDF-1.7 …"
        );
        File.WriteAllText(
            Path.Combine(_archive, "results.csv"),
            "村级区划代码,补助金额（元）\r\n360222100201,300.00\r\n"
        );
        ArchiveManifest.Write(_archive);
    }

    [Fact]
    public void The_manifest_lists_every_file_in_sha256sum_format_and_an_untouched_archive_passes()
    {
        var lines = File.ReadAllLines(Path.Combine(_archive, ArchiveManifest.FileName));
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Matches("^[0-9a-f]{64}  [^ ]", l));
        Assert.Contains(lines, l =>
            l.EndsWith("  documents/360222100201/roster-pdf-v1-花名册.pdf")
        );
        Assert.Equal(0, ArchiveManifest.Verify(_archive));
    }

    [Fact]
    public void A_changed_a_missing_and_an_unlisted_file_each_fail_the_check()
    {
        File.AppendAllText(Path.Combine(_archive, "results.csv"), "360222100201,999.00\r\n");
        Assert.Equal(1, ArchiveManifest.Verify(_archive));
        ArchiveManifest.Write(_archive);

        File.Delete(
            Path.Combine(_archive, "documents", "360222100201", "roster-pdf-v1-花名册.pdf")
        );
        Assert.Equal(1, ArchiveManifest.Verify(_archive));
        ArchiveManifest.Write(_archive);

        File.WriteAllText(Path.Combine(_archive, "added.csv"), "x");
        Assert.Equal(1, ArchiveManifest.Verify(_archive));
    }

    [Fact]
    public void An_archive_without_its_manifest_fails_the_check()
    {
        File.Delete(Path.Combine(_archive, ArchiveManifest.FileName));
        Assert.Equal(1, ArchiveManifest.Verify(_archive));
    }

    public void Dispose() => Directory.Delete(_archive, recursive: true);
}
