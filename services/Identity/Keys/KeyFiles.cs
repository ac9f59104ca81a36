using System.Security.Cryptography;
using System.Text;

namespace Identity.Keys;

/// <summary>
/// Token keys given to the service as files (a Kubernetes Secret mounted as a folder,
/// Identity:KeysDirectory) instead of kept in its database: the data centre owns and rotates them
/// like its other secrets, and every instance reads the same ones. <c>signing.pem</c> (RSA, PKCS#8
/// or PKCS#1 PEM) signs; <c>encryption.key</c> (32 bytes, base64) protects codes and refresh
/// tokens. The previous pair (<c>signing-previous.pem</c>, <c>encryption-previous.key</c>), when
/// present, stays published and accepted, so a rotation done by replacing the Secret leaves earlier
/// tokens valid.
/// </summary>
public static class KeyFiles
{
    public const string SigningFile = "signing.pem";
    public const string EncryptionFile = "encryption.key";
    public const string PreviousSigningFile = "signing-previous.pem";
    public const string PreviousEncryptionFile = "encryption-previous.key";

    /// <summary>The keys in the folder, current first; why not, in Chinese, when the folder lacks
    /// or garbles one.</summary>
    public static (IReadOnlyList<SigningKey> Keys, string? Problem) Read(string directory)
    {
        if (!Directory.Exists(directory))
            return ([], $"令牌密钥目录 {directory} 不存在。");
        var keys = new List<SigningKey>();
        foreach (
            var (file, use, required) in new[]
            {
                (SigningFile, SigningKey.Signing, true),
                (EncryptionFile, SigningKey.Encryption, true),
                (PreviousSigningFile, SigningKey.Signing, false),
                (PreviousEncryptionFile, SigningKey.Encryption, false),
            }
        )
        {
            var path = Path.Combine(directory, file);
            if (!File.Exists(path))
            {
                if (required)
                    return ([], $"令牌密钥目录 {directory} 中缺少 {file}。");
                continue;
            }
            var material = File.ReadAllText(path).Trim();
            if (WhyUnusable(use, material) is { } why)
                return ([], $"{file}：{why}");
            var previous = file == PreviousSigningFile || file == PreviousEncryptionFile;
            keys.Add(
                new SigningKey
                {
                    Id = IdOf(use, material),
                    Use = use,
                    Material = material,
                    CreatedAt = File.GetLastWriteTimeUtc(path),
                    RetiredAt = previous ? DateTimeOffset.UnixEpoch : null,
                }
            );
        }
        return (keys, null);
    }

    /// <summary>Named by their content, so every instance given the same files names a key alike in
    /// tokens and the JWKS.</summary>
    public static string IdOf(string use, string material) =>
        $"{use[..3]}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material)))[..16]}";

    private static string? WhyUnusable(string use, string material)
    {
        if (use == SigningKey.Encryption)
        {
            try
            {
                return Convert.FromBase64String(material).Length == 32
                    ? null
                    : "加密密钥须为32字节的 base64 文本。";
            }
            catch (FormatException)
            {
                return "加密密钥须为32字节的 base64 文本。";
            }
        }
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(material);
            return rsa.KeySize >= 2048 ? null : "签名密钥须为至少2048位的 RSA 私钥。";
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return "签名密钥须为 PEM 格式的 RSA 私钥。";
        }
    }
}
