using System.IO.Compression;

namespace ContributionImport.Reading;

/// <summary>
/// A workbook is a zip: a small file can expand into a sheet of gigabytes (a zip bomb) that would
/// take the reader minutes of CPU before any row is refused. Before the rows are read, each part is
/// decompressed once, counting, and the workbook is refused as soon as its parts together pass the
/// bound — the larger of <see cref="FloorBytes"/> and
/// <see cref="MaxExpansion"/> times the file's own size. Real exports expand well within that
/// bound, even a sheet of the most rows a workbook holds (docs/benchmarks.md).
/// </summary>
public static class WorkbookGuard
{
    public const long FloorBytes = 64L << 20;
    public const int MaxExpansion = 20;

    /// <summary>Null when the workbook may be read; otherwise why not, in Chinese.</summary>
    public static string? WhyRefused(string path)
    {
        var fileSize = new FileInfo(path).Length;
        var bound = Math.Max(FloorBytes, MaxExpansion * fileSize);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var buffer = new byte[81920];
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                if (entry.Length > bound - total)
                    return Refusal(fileSize, bound);
                using var part = entry.Open();
                int read;
                while ((read = part.Read(buffer)) > 0)
                {
                    total += read;
                    if (total > bound)
                        return Refusal(fileSize, bound);
                }
            }
            return null;
        }
        catch (InvalidDataException)
        {
            return "文件不是有效的 XLSX 工作簿（压缩包已损坏）";
        }
    }

    private static string Refusal(long fileSize, long bound) =>
        $"工作簿解压后超过 {bound / (1 << 20):N0} MB（文件本身 {Math.Max(1, fileSize / 1024):N0} KB），不是正常的缴费明细导出，已拒绝读取";
}
