namespace Identity.Keys;

/// <summary>A key the identity service signs tokens with ("signing", RSA) or protects its codes and
/// refresh tokens with ("encryption", AES).</summary>
public sealed class SigningKey
{
    public const string Signing = "signing";
    public const string Encryption = "encryption";

    public string Id { get; set; } = "";
    public string Use { get; set; } = "";

    /// <summary>PKCS#8 PEM of the RSA key, or the base64 AES key.</summary>
    public string Material { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Set when a newer key took over: still published (tokens it signed stay valid) until
    /// it is pruned.</summary>
    public DateTimeOffset? RetiredAt { get; set; }
}
