using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;
using Subsidy.Contracts;

namespace Subsidy.ServiceData.Crypto;

/// <summary>The keys of one service database, unwrapped: its data keys by id, which one seals new
/// values, and the blind-index key.</summary>
public sealed record DataKeySet(
    IReadOnlyDictionary<int, byte[]> DataKeys,
    int ActiveId,
    byte[] IndexKey
)
{
    public byte[] Active => DataKeys[ActiveId];
}

/// <summary>
/// Seals and opens residents' personal data (ID numbers, names, and whatever carries them) with
/// SM4-GCM under the database's active data key, and computes the blind index of an ID number.
/// A sealed value is a format byte and the data key's id, then the SM4-GCM output; the three
/// header bytes are its associated data, so a value cannot be passed off under another key id.
/// </summary>
public sealed class PersonalData
{
    public const byte Format = 1;
    public const int HeaderLength = 3;

    /// <summary>Bytes of the blind index kept: 128 bits of HMAC-SM3.</summary>
    public const int IndexLength = 16;

    private const char PersonSeparator = '\u001f';

    private static PersonalData? _current;

    /// <summary>
    /// The service's own: a service process owns one database, and the stores that write personal
    /// data (the outbox among them) are static functions of a connection, so they reach its keys
    /// here. Set once its keys are loaded at the start, before anything is served.
    /// </summary>
    public static PersonalData Current
    {
        get => _current ?? throw new InvalidOperationException("个人信息数据密钥尚未加载。");
        set => _current = value;
    }

    private volatile DataKeySet _keys;
    private readonly Func<DataKeySet>? _reload;

    /// <param name="reload">Reads the keys again: a value sealed under a key created after this
    /// instance loaded (another instance rotated) opens after one reload.</param>
    public PersonalData(DataKeySet keys, Func<DataKeySet>? reload = null)
    {
        _keys = keys;
        _reload = reload;
    }

    public int ActiveKeyId => _keys.ActiveId;

    public void Use(DataKeySet keys) => _keys = keys;

    public byte[] Seal(ReadOnlySpan<byte> plain)
    {
        var keys = _keys;
        Span<byte> header = stackalloc byte[HeaderLength];
        WriteHeader(header, keys.ActiveId);
        return Sm4Gcm.Encrypt(keys.Active, plain, header, prefix: header);
    }

    public byte[] Seal(string text) => Seal(Encoding.UTF8.GetBytes(text));

    public byte[]? SealOrNull(string? text) => text is null ? null : Seal(text);

    /// <summary>A value stored as JSON (a village's records, its roster, an event), sealed
    /// whole.</summary>
    public byte[] SealJson<T>(T value) =>
        Seal(JsonSerializer.SerializeToUtf8Bytes(value, StoredJson.Options));

    public T OpenJson<T>(ReadOnlySpan<byte> sealedValue) =>
        JsonSerializer.Deserialize<T>(Open(sealedValue), StoredJson.Options)!;

    /// <summary>A resident's name and ID number sealed together: one SM4 operation per
    /// person.</summary>
    public byte[] SealPerson(string name, string idNumber)
    {
        var length = Encoding.UTF8.GetMaxByteCount(name.Length + idNumber.Length + 1);
        // On the stack for every real name; a name of thousands of characters takes the heap.
        Span<byte> plain = length <= 1024 ? stackalloc byte[length] : new byte[length];
        var written = Encoding.UTF8.GetBytes(name, plain);
        plain[written++] = (byte)PersonSeparator;
        written += Encoding.UTF8.GetBytes(idNumber, plain[written..]);
        return Seal(plain[..written]);
    }

    public (string Name, string IdNumber) OpenPerson(ReadOnlySpan<byte> sealedValue)
    {
        var text = OpenText(sealedValue);
        var separator = text.IndexOf(PersonSeparator);
        return separator < 0 ? (text, "") : (text[..separator], text[(separator + 1)..]);
    }

    /// <exception cref="CryptographicException">Changed, or sealed by another database's
    /// keys.</exception>
    public byte[] Open(ReadOnlySpan<byte> sealedValue)
    {
        var keyId = KeyIdOf(sealedValue);
        var keys = _keys;
        if (!keys.DataKeys.TryGetValue(keyId, out var key))
        {
            if (_reload is not null)
                _keys = keys = _reload();
            if (!keys.DataKeys.TryGetValue(keyId, out key))
                throw new CryptographicException(
                    $"数据密钥 {keyId} 不存在：该值不是本库密钥加密的"
                );
        }
        return Sm4Gcm.Decrypt(key, sealedValue[HeaderLength..], sealedValue[..HeaderLength]);
    }

    public string OpenText(ReadOnlySpan<byte> sealedValue) =>
        Encoding.UTF8.GetString(Open(sealedValue));

    public string? OpenTextOrNull(byte[]? sealedValue) =>
        sealedValue is null ? null : OpenText(sealedValue);

    /// <summary>The blind index of an ID number: HMAC-SM3 under the index key of the normalised
    /// number (trimmed, a final x upper case), cut to <see cref="IndexLength"/> bytes. Equal
    /// numbers give equal indexes; without the key, an index says nothing of its number.</summary>
    public byte[] IdIndex(string idNumber)
    {
        var normalised = Normalise(idNumber);
        Span<byte> input = stackalloc byte[Encoding.UTF8.GetMaxByteCount(normalised.Length)];
        var length = Encoding.UTF8.GetBytes(normalised, input);
        var mac = IndexMac(_keys.IndexKey);
        mac.BlockUpdate(input[..length]);
        Span<byte> full = stackalloc byte[Sm3.Length];
        mac.DoFinal(full);
        return full[..IndexLength].ToArray();
    }

    /// <summary>
    /// A member's key: the blind index in hex. Lists answer it beside the masked number, so a
    /// member can be named in a request (a statement, an objection) by someone who never sees the
    /// whole number; it names the same member for as long as the index key stays.
    /// </summary>
    public string MemberKey(string idNumber) => MemberKeyOf(IdIndex(idNumber));

    /// <summary>The member key of a stored blind index.</summary>
    public static string MemberKeyOf(byte[] idIndex) => Convert.ToHexStringLower(idIndex);

    /// <summary>The blind index a member key stands for; null when the text is not one.</summary>
    public static byte[]? IndexOfMemberKey(string? memberKey)
    {
        if (memberKey is null || memberKey.Length != IndexLength * 2)
            return null;
        try
        {
            return Convert.FromHexString(memberKey);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Normalise(string idNumber) => idNumber.Trim().ToUpperInvariant();

    public static int KeyIdOf(ReadOnlySpan<byte> sealedValue)
    {
        if (sealedValue.Length < HeaderLength || sealedValue[0] != Format)
            throw new CryptographicException("不是本系统加密的个人信息");
        return BinaryPrimitives.ReadUInt16BigEndian(sealedValue[1..HeaderLength]);
    }

    private static void WriteHeader(Span<byte> header, int keyId)
    {
        header[0] = Format;
        BinaryPrimitives.WriteUInt16BigEndian(header[1..], checked((ushort)keyId));
    }

    // One HMAC per thread per key: HMac keeps the key's padded states, so each index costs the
    // message's compressions only.
    [ThreadStatic]
    private static HMac? _mac;

    [ThreadStatic]
    private static byte[]? _macKey;

    private static HMac IndexMac(byte[] key)
    {
        if (_mac is null || !ReferenceEquals(_macKey, key))
        {
            _mac = new HMac(new SM3Digest());
            _mac.Init(new KeyParameter(key));
            _macKey = key;
        }
        return _mac;
    }
}
