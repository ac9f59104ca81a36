using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace Subsidy.ServiceData.Crypto;

/// <summary>
/// SM4 (GB/T 32907-2016) in GCM, an authenticated mode: a value encrypted under a 128-bit key with
/// a fresh 96-bit nonce, stored as nonce ‖ ciphertext ‖ 128-bit tag. Changing any byte, or
/// decrypting with another key or for another purpose (the associated data), fails instead of
/// answering wrong plain text.
/// </summary>
public static class Sm4Gcm
{
    public const int KeyLength = 16;
    public const int NonceLength = 12;
    public const int TagBits = 128;

    public static byte[] Encrypt(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> plain,
        ReadOnlySpan<byte> associated = default
    ) => Encrypt(key, plain, associated, prefix: default);

    /// <summary>
    /// Encrypts with a fresh nonce into one array that starts with <paramref name="prefix"/>
    /// (prefix ‖ nonce ‖ ciphertext ‖ tag): a caller that stores a header before the value needs
    /// no second array and copy.
    /// </summary>
    public static byte[] Encrypt(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> plain,
        ReadOnlySpan<byte> associated,
        ReadOnlySpan<byte> prefix
    )
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        Nonces.Next(nonce);
        return EncryptWith(key, nonce, plain, associated, prefix);
    }

    /// <summary>With a given nonce: for the published test vectors only. A nonce used twice under
    /// one key gives GCM's security away, so every value the system stores takes
    /// <see cref="Encrypt(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>'s fresh
    /// one.</summary>
    public static byte[] EncryptWith(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> plain,
        ReadOnlySpan<byte> associated,
        ReadOnlySpan<byte> prefix = default
    )
    {
        var cipher = Cipher(true, key, nonce, associated);
        var output = new byte[prefix.Length + NonceLength + cipher.GetOutputSize(plain.Length)];
        prefix.CopyTo(output);
        nonce.CopyTo(output.AsSpan(prefix.Length));
        var body = output.AsSpan(prefix.Length + NonceLength);
        var written = cipher.ProcessBytes(plain, body);
        cipher.DoFinal(body[written..]);
        return output;
    }

    /// <exception cref="CryptographicException">The value was changed, or is not one encrypted
    /// with this key and associated data.</exception>
    public static byte[] Decrypt(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> sealedValue,
        ReadOnlySpan<byte> associated = default
    )
    {
        if (sealedValue.Length < NonceLength + TagBits / 8)
            throw new CryptographicException("SM4-GCM value too short");
        var cipher = Cipher(false, key, sealedValue[..NonceLength], associated);
        var body = sealedValue[NonceLength..];
        var output = new byte[cipher.GetOutputSize(body.Length)];
        try
        {
            var written = cipher.ProcessBytes(body, output);
            written += cipher.DoFinal(output.AsSpan(written));
            return output[..written];
        }
        catch (InvalidCipherTextException e)
        {
            throw new CryptographicException("SM4-GCM value failed authentication", e);
        }
    }

    // One cipher per thread and direction, kept with its key: GCM's set-up for a key (the SM4 key
    // schedule and the hash subkey's tables) costs more than sealing a short value, and a cipher
    // given a new nonce under the same key skips it.
    [ThreadStatic]
    private static GcmBlockCipher? _encryptor,
        _decryptor;

    [ThreadStatic]
    private static byte[]? _encryptorKey,
        _decryptorKey;

    private static GcmBlockCipher Cipher(
        bool encrypt,
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> associated
    )
    {
        if (key.Length != KeyLength)
            throw new ArgumentException($"an SM4 key is {KeyLength} bytes", nameof(key));
        ref var cipher = ref encrypt ? ref _encryptor : ref _decryptor;
        ref var cachedKey = ref encrypt ? ref _encryptorKey : ref _decryptorKey;
        var sameKey = cipher is not null && cachedKey is not null && key.SequenceEqual(cachedKey);
        if (!sameKey)
        {
            cipher = new GcmBlockCipher(new SM4Engine());
            cachedKey = key.ToArray();
        }
        cipher!.Init(
            encrypt,
            new AeadParameters(
                sameKey ? null : new KeyParameter(key),
                TagBits,
                nonce.ToArray(),
                associated.ToArray()
            )
        );
        return cipher;
    }

    /// <summary>
    /// Nonces from the operating system's random source, fetched a few hundred at a time: a call
    /// for each 12 bytes costs a system call, as much as sealing a short value itself. Each thread
    /// keeps its own block and hands out every nonce of it once.
    /// </summary>
    private static class Nonces
    {
        private const int Block = NonceLength * 512;

        [ThreadStatic]
        private static byte[]? _block;

        [ThreadStatic]
        private static int _next;

        public static void Next(Span<byte> nonce)
        {
            if (_block is null || _next == Block)
            {
                _block ??= new byte[Block];
                RandomNumberGenerator.Fill(_block);
                _next = 0;
            }
            _block.AsSpan(_next, NonceLength).CopyTo(nonce);
            _next += NonceLength;
        }
    }
}
