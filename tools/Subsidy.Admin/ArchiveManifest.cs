using System.Security.Cryptography;
using System.Text;

namespace Subsidy.Admin;

/// <summary>
/// The archive's SHA256SUMS: one line per file, "hash  relative/path", the format sha256sum writes
/// and checks (sha256sum -c SHA256SUMS), so the archive can be checked anywhere without this
/// system.
/// </summary>
public static class ArchiveManifest
{
    public const string FileName = "SHA256SUMS";

    public static void Write(string directory)
    {
        var lines = Directory
            .EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
            .Where(f => f != FileName)
            .Order(StringComparer.Ordinal)
            .Select(f => $"{Hash(Path.Combine(directory, f))}  {f}");
        File.WriteAllText(Path.Combine(directory, FileName), string.Join("\n", lines) + "\n");
    }

    /// <summary>Names every file that is missing, changed or not in the manifest; 0 when none
    /// is.</summary>
    public static int Verify(string directory)
    {
        var manifest = Path.Combine(directory, FileName);
        if (!File.Exists(manifest))
        {
            Console.Error.WriteLine($"档案缺少清单文件 {FileName}：{directory}");
            return 1;
        }
        var listed = File.ReadAllLines(manifest, Encoding.UTF8)
            .Where(l => l.Length > 66)
            .ToDictionary(l => l[66..], l => l[..64], StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (file, hash) in listed)
        {
            var path = Path.Combine(directory, file);
            if (!File.Exists(path))
                problems.Add($"缺少文件：{file}");
            else if (Hash(path) != hash)
                problems.Add($"内容与清单不符（已被改动）：{file}");
        }
        foreach (
            var extra in Directory
                .EnumerateFiles(directory, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
                .Where(f => f != FileName && !listed.ContainsKey(f))
        )
            problems.Add($"清单中没有的文件：{extra}");
        foreach (var problem in problems.Order(StringComparer.Ordinal))
            Console.Error.WriteLine(problem);
        Console.WriteLine(
            problems.Count == 0
                ? $"档案校验通过：{listed.Count} 个文件与清单一致。"
                : $"档案校验未通过：{problems.Count} 处问题。"
        );
        return problems.Count == 0 ? 0 : 1;
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
