using Subsidy.ServiceData.Crypto;

namespace Subsidy.UnitTests.Crypto;

/// <summary>The key-encryption key's file (docs/security.md): created by the first start, 16
/// random bytes readable by the services' user alone.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeyEncryptionKeyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kek-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_first_start_creates_the_key_file_0600_and_later_starts_read_the_same_key()
    {
        var path = Path.Combine(_directory, "keys", "personal-data.kek");
        var first = KeyEncryptionKey.LoadOrCreate(path);
        Assert.Equal(16, first.Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(first, KeyEncryptionKey.LoadOrCreate(path));
    }

    [Fact]
    public void Services_starting_at_once_create_one_key()
    {
        var path = Path.Combine(_directory, "personal-data.kek");
        var keys = new byte[8][];
        Parallel.For(0, keys.Length, i => keys[i] = KeyEncryptionKey.LoadOrCreate(path));
        Assert.All(keys, key => Assert.Equal(keys[0], key));
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Fact]
    public void A_key_file_others_may_read_is_refused_in_Chinese()
    {
        var path = Path.Combine(_directory, "open.kek");
        File.WriteAllBytes(path, new byte[16]);
        File.SetUnixFileMode(
            path,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead
        );
        var refusal = Assert.Throws<InvalidOperationException>(() =>
            KeyEncryptionKey.LoadOrCreate(path)
        );
        Assert.Contains("权限过宽", refusal.Message);
    }

    [Fact]
    public void A_key_file_of_the_wrong_length_is_refused_in_Chinese()
    {
        var path = Path.Combine(_directory, "short.kek");
        File.WriteAllBytes(path, new byte[5]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var refusal = Assert.Throws<InvalidOperationException>(() =>
            KeyEncryptionKey.LoadOrCreate(path)
        );
        Assert.Contains("应为 16 字节", refusal.Message);
    }
}
