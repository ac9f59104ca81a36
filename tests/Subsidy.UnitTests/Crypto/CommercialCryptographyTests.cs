using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Subsidy.ServiceData.Crypto;

namespace Subsidy.UnitTests.Crypto;

/// <summary>SM3 and SM4 against the standards' published examples (GB/T 32905-2016 appendix A,
/// GB/T 32907-2016 appendix A, and SM4-GCM from RFC 8998 appendix A.1).</summary>
public class CommercialCryptographyTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    [Theory]
    [InlineData("abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")]
    [InlineData(
        "abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd",
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )]
    public void SM3_gives_the_standards_example_hashes(string message, string hash) =>
        Assert.Equal(hash, Convert.ToHexStringLower(Sm3.Hash(Encoding.ASCII.GetBytes(message))));

    [Fact]
    public void SM4_encrypts_the_standards_example_block_once_and_a_million_times()
    {
        var key = Hex("0123456789ABCDEFFEDCBA9876543210");
        var engine = new SM4Engine();
        engine.Init(true, new KeyParameter(key));
        var block = Hex("0123456789ABCDEFFEDCBA9876543210");
        var output = new byte[16];
        engine.ProcessBlock(block, 0, output, 0);
        Assert.Equal("681EDF34D206965E86B3E94F536E4246", Convert.ToHexString(output));

        for (var i = 1; i < 1_000_000; i++)
        {
            (block, output) = (output, block);
            engine.ProcessBlock(block, 0, output, 0);
        }
        Assert.Equal("595298C7C6FD271F0402F804C33D3F66", Convert.ToHexString(output));
    }

    [Fact]
    public void SM4_GCM_gives_the_published_example_and_reads_it_back()
    {
        var key = Hex("0123456789ABCDEFFEDCBA9876543210");
        var nonce = Hex("00001234567800000000ABCD");
        var associated = Hex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2");
        var plain = Hex(
            "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDDEEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
        );

        var sealedValue = Sm4Gcm.EncryptWith(key, nonce, plain, associated);

        Assert.Equal(
            "00001234567800000000ABCD"
                + "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
                + "83DE3541E4C2B58177E065A9BF7B62EC",
            Convert.ToHexString(sealedValue)
        );
        Assert.Equal(plain, Sm4Gcm.Decrypt(key, sealedValue, associated));
    }

    [Fact]
    public void An_ID_number_sealed_with_SM4_GCM_reads_back_only_unchanged_with_its_key_and_purpose()
    {
        var key = RandomNumberGenerator.GetBytes(Sm4Gcm.KeyLength);
        var id = Encoding.UTF8.GetBytes("36022219500101001X");
        var purpose = Encoding.UTF8.GetBytes("member_results.id_number");

        var first = Sm4Gcm.Encrypt(key, id, purpose);
        var second = Sm4Gcm.Encrypt(key, id, purpose);

        Assert.NotEqual(first, second); // a fresh nonce each time: equal values do not look equal
        Assert.Equal(id, Sm4Gcm.Decrypt(key, first, purpose));
        var changed = (byte[])first.Clone();
        changed[^20] ^= 1;
        Assert.Throws<CryptographicException>(() => Sm4Gcm.Decrypt(key, changed, purpose));
        Assert.Throws<CryptographicException>(() =>
            Sm4Gcm.Decrypt(RandomNumberGenerator.GetBytes(16), first, purpose)
        );
        Assert.Throws<CryptographicException>(() =>
            Sm4Gcm.Decrypt(key, first, Encoding.UTF8.GetBytes("objections.id_number"))
        );
    }

    [Fact]
    public void The_SM3_HMAC_of_an_ID_number_depends_on_the_key_and_is_the_same_for_the_same_value()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var id = Encoding.UTF8.GetBytes("36022219500101001X");
        Assert.Equal(Sm3.Hmac(key, id), Sm3.Hmac(key, id));
        Assert.NotEqual(Sm3.Hmac(key, id), Sm3.Hmac(RandomNumberGenerator.GetBytes(32), id));
        Assert.NotEqual(Sm3.Hash(id), Sm3.Hmac(key, id));
    }
}
