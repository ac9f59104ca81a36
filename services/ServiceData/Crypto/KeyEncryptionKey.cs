using System.Security.Cryptography;

namespace Subsidy.ServiceData.Crypto;

/// <summary>
/// The key-encryption key: 16 random bytes in a file outside every database, readable by the
/// services' user alone (0600). It only wraps the databases' data keys, so a dump or backup of a
/// database without this file opens no personal data. The first start of a single-machine run
/// creates it; a deployment gives its path (or the key itself, base64) by configuration.
/// </summary>
public static class KeyEncryptionKey
{
    /// <summary>Reads the key file, creating it if absent (<see cref="Create"/>).</summary>
    public static byte[] LoadOrCreate(string path)
    {
        if (!File.Exists(path))
            Create(path);
        var key = File.ReadAllBytes(path);
        if (key.Length != Sm4Gcm.KeyLength)
        {
            throw new InvalidOperationException(
                $"个人信息主密钥文件 {path} 应为 {Sm4Gcm.KeyLength} 字节，实际为 {key.Length} 字节。"
            );
        }
        // Group read is allowed: a Kubernetes Secret mounted with an fsGroup is readable by the
        // pod's group.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if (
                (
                    mode
                    & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.GroupWrite)
                ) != 0
            )
            {
                throw new InvalidOperationException(
                    $"个人信息主密钥文件 {path} 的权限过宽：应仅限服务账户读写（0600，至多同组可读）。"
                );
            }
        }
        return key;
    }

    /// <summary>The key given as base64 in configuration instead of a file.</summary>
    public static byte[] FromBase64(string text)
    {
        var key = Convert.FromBase64String(text.Trim());
        if (key.Length != Sm4Gcm.KeyLength)
        {
            throw new InvalidOperationException(
                $"配置的个人信息主密钥应为 {Sm4Gcm.KeyLength} 字节（base64），实际为 {key.Length} 字节。"
            );
        }
        return key;
    }

    /// <summary>Created with O_EXCL, so of several services starting at once exactly one writes
    /// the key; the others find the file and wait the moment it takes to hold all 16
    /// bytes.</summary>
    private static void Create(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
        };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var file = new FileStream(path, options);
            file.Write(RandomNumberGenerator.GetBytes(Sm4Gcm.KeyLength));
            file.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (new FileInfo(path).Length < Sm4Gcm.KeyLength && DateTime.UtcNow < deadline)
                Thread.Sleep(10);
        }
    }
}
