using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Subsidy.ServiceData.Crypto;

/// <summary>SM3 (GB/T 32905-2016), the commercial-cryptography hash, and its HMAC, from
/// BouncyCastle.</summary>
public static class Sm3
{
    public const int Length = 32;

    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var digest = new SM3Digest();
        digest.BlockUpdate(data);
        var result = new byte[Length];
        digest.DoFinal(result);
        return result;
    }

    public static byte[] Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        var mac = new HMac(new SM3Digest());
        mac.Init(new KeyParameter(key));
        mac.BlockUpdate(data);
        var result = new byte[Length];
        mac.DoFinal(result);
        return result;
    }
}
