using System.Security.Cryptography;
using Identity.Keys;

namespace Subsidy.UnitTests.Identity;

/// <summary>Token keys given as files (a mounted Secret): read alike by every instance, refused
/// clearly when unusable.</summary>
public sealed class KeyFilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("subsidy-keys-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void Write(string file, string content) =>
        File.WriteAllText(Path.Combine(_folder, file), content);

    private static string RsaPem(int bits = 2048)
    {
        using var rsa = RSA.Create(bits);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    private static string AesKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void The_current_pair_signs_and_the_previous_pair_stays_published_as_retired()
    {
        Write(KeyFiles.SigningFile, RsaPem());
        Write(KeyFiles.EncryptionFile, AesKey());
        Write(KeyFiles.PreviousSigningFile, RsaPem());

        var (keys, problem) = KeyFiles.Read(_folder);

        Assert.Null(problem);
        Assert.Equal(
            [
                (SigningKey.Signing, false),
                (SigningKey.Encryption, false),
                (SigningKey.Signing, true),
            ],
            keys.Select(k => (k.Use, k.RetiredAt is not null))
        );
        var ring = new KeyRing();
        ring.LoadFrom(_folder);
        Assert.Equal(2, ring.Signing.Count);
        Assert.Equal(keys[0].Id, ring.Signing[0].Key.KeyId);
        Assert.Single(ring.Encryption);
    }

    [Fact]
    public void Two_instances_given_the_same_files_name_each_key_alike()
    {
        var pem = RsaPem();
        Assert.Equal(
            KeyFiles.IdOf(SigningKey.Signing, pem),
            KeyFiles.IdOf(SigningKey.Signing, pem)
        );
        Assert.NotEqual(
            KeyFiles.IdOf(SigningKey.Signing, pem),
            KeyFiles.IdOf(SigningKey.Signing, RsaPem())
        );
    }

    [Fact]
    public void A_missing_encryption_key_is_named()
    {
        Write(KeyFiles.SigningFile, RsaPem());
        Assert.Contains("缺少 encryption.key", KeyFiles.Read(_folder).Problem);
        Assert.Contains(
            "缺少 encryption.key",
            Assert.Throws<InvalidOperationException>(() => new KeyRing().LoadFrom(_folder)).Message
        );
    }

    [Theory]
    [InlineData("not a key", "PEM 格式")]
    [InlineData("short", "至少2048位")]
    public void An_unusable_signing_key_is_refused_with_the_reason(string content, string said)
    {
        Write(KeyFiles.SigningFile, content == "short" ? RsaPem(1024) : content);
        Write(KeyFiles.EncryptionFile, AesKey());
        Assert.Contains(said, KeyFiles.Read(_folder).Problem);
    }

    [Fact]
    public void An_encryption_key_of_the_wrong_length_is_refused()
    {
        Write(KeyFiles.SigningFile, RsaPem());
        Write(KeyFiles.EncryptionFile, Convert.ToBase64String(new byte[16]));
        Assert.Contains("32字节", KeyFiles.Read(_folder).Problem);
    }

    [Fact]
    public void A_folder_that_is_not_there_is_named() =>
        Assert.Contains("不存在", KeyFiles.Read(Path.Combine(_folder, "absent")).Problem);
}

public class KeyMetricsTests
{
    [Fact]
    public void The_signing_key_is_due_for_rotation_its_lifetime_after_it_was_made()
    {
        var folder = Directory.CreateTempSubdirectory("subsidy-keys-").FullName;
        try
        {
            using (var rsa = RSA.Create(2048))
                File.WriteAllText(
                    Path.Combine(folder, KeyFiles.SigningFile),
                    rsa.ExportPkcs8PrivateKeyPem()
                );
            File.WriteAllText(
                Path.Combine(folder, KeyFiles.EncryptionFile),
                Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
            );
            var made = new DateTime(2026, 1, 10, 0, 0, 0, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(Path.Combine(folder, KeyFiles.SigningFile), made);
            var ring = new KeyRing();
            ring.LoadFrom(folder);

            var left = Assert.Single(
                KeyMetrics.Observe(ring, 365, new DateTimeOffset(made).AddDays(355))
            );

            Assert.Equal(TimeSpan.FromDays(10).TotalSeconds, left.Value, precision: 3);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void No_signing_key_yet_is_no_measurement() =>
        Assert.Empty(KeyMetrics.Observe(new KeyRing(), 365, DateTimeOffset.UtcNow));
}
