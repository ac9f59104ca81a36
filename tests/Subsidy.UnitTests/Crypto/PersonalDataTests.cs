using System.Security.Cryptography;
using Subsidy.ServiceData.Crypto;

namespace Subsidy.UnitTests.Crypto;

/// <summary>How residents' personal data is sealed at rest (docs/security.md): SM4-GCM under the
/// database's active data key, named in the value's header; the blind index an HMAC-SM3 of the
/// normalised ID number.</summary>
public class PersonalDataTests
{
    private static readonly byte[] FirstKey = RandomNumberGenerator.GetBytes(16);
    private static readonly byte[] SecondKey = RandomNumberGenerator.GetBytes(16);
    private static readonly byte[] IndexKey = RandomNumberGenerator.GetBytes(16);

    private static PersonalData With(int active, byte[]? indexKey = null) =>
        new(
            new DataKeySet(
                new Dictionary<int, byte[]> { [1] = FirstKey, [2] = SecondKey },
                active,
                indexKey ?? IndexKey
            )
        );

    [Fact]
    public void A_name_and_ID_number_sealed_together_open_to_the_same_name_and_number()
    {
        var data = With(active: 1);
        var sealedValue = data.SealPerson("欧阳娜娜", "36022219900101123X");
        Assert.Equal(("欧阳娜娜", "36022219900101123X"), data.OpenPerson(sealedValue));
    }

    [Fact]
    public void A_sealed_value_shows_nothing_of_its_plain_text_and_differs_each_time()
    {
        var data = With(active: 1);
        var first = data.Seal("36022219900101123X");
        var second = data.Seal("36022219900101123X");
        Assert.NotEqual(first, second);
        Assert.DoesNotContain("360222", System.Text.Encoding.Latin1.GetString(first));
        // header (3) + nonce (12) + 18 bytes + tag (16)
        Assert.Equal(3 + 12 + 18 + 16, first.Length);
    }

    [Fact]
    public void A_value_names_the_key_that_sealed_it_and_opens_after_a_rotation()
    {
        var before = With(active: 1).Seal("张三");
        var afterRotation = With(active: 2);
        var after = afterRotation.Seal("张三");
        Assert.Equal(1, PersonalData.KeyIdOf(before));
        Assert.Equal(2, PersonalData.KeyIdOf(after));
        Assert.Equal("张三", afterRotation.OpenText(before));
        Assert.Equal("张三", afterRotation.OpenText(after));
    }

    [Fact]
    public void A_changed_byte_or_a_changed_key_id_fails_instead_of_answering_wrong_text()
    {
        var data = With(active: 1);
        var sealedValue = data.Seal("张三");
        var changed = (byte[])sealedValue.Clone();
        changed[^1] ^= 1;
        Assert.Throws<CryptographicException>(() => data.Open(changed));
        var relabelled = (byte[])sealedValue.Clone();
        relabelled[2] = 2;
        Assert.Throws<CryptographicException>(() => data.Open(relabelled));
    }

    [Fact]
    public void A_value_sealed_under_an_unknown_key_is_refused_after_reading_the_keys_again()
    {
        var reloads = 0;
        var stranger = new PersonalData(
            new DataKeySet(new Dictionary<int, byte[]> { [7] = FirstKey }, 7, IndexKey)
        ).Seal("张三");
        var data = new PersonalData(
            new DataKeySet(new Dictionary<int, byte[]> { [1] = FirstKey }, 1, IndexKey),
            () =>
            {
                reloads++;
                return new DataKeySet(new Dictionary<int, byte[]> { [1] = FirstKey }, 1, IndexKey);
            }
        );
        var refusal = Assert.Throws<CryptographicException>(() => data.Open(stranger));
        Assert.Contains("数据密钥 7 不存在", refusal.Message);
        Assert.Equal(1, reloads);
    }

    [Fact]
    public void The_blind_index_is_the_same_for_the_same_number_however_written_and_keyed()
    {
        var data = With(active: 1);
        Assert.Equal(data.IdIndex("36022219900101123X"), data.IdIndex(" 36022219900101123x "));
        Assert.NotEqual(data.IdIndex("36022219900101123X"), data.IdIndex("360222199001011248"));
        Assert.Equal(PersonalData.IndexLength, data.IdIndex("36022219900101123X").Length);
        // Another database's index key: another index, so indexes say nothing across databases.
        Assert.NotEqual(
            data.IdIndex("36022219900101123X"),
            With(active: 1, indexKey: RandomNumberGenerator.GetBytes(16))
                .IdIndex("36022219900101123X")
        );
        // The index does not change with a data key rotation.
        Assert.Equal(
            data.IdIndex("36022219900101123X"),
            With(active: 2).IdIndex("36022219900101123X")
        );
    }

    [Fact]
    public void The_blind_index_is_HMAC_SM3_of_the_normalised_number_cut_to_128_bits()
    {
        var data = With(active: 1);
        var full = Sm3.Hmac(IndexKey, "36022219900101123X"u8);
        Assert.Equal(full[..16], data.IdIndex("36022219900101123x"));
    }

    [Fact]
    public void Sealing_on_many_threads_at_once_opens_every_value_to_its_own_text()
    {
        var data = With(active: 1);
        var texts = Enumerable.Range(0, 2000).Select(i => $"居民{i}").ToArray();
        var sealedValues = new byte[texts.Length][];
        Parallel.For(0, texts.Length, i => sealedValues[i] = data.Seal(texts[i]));
        var opened = new string[texts.Length];
        Parallel.For(0, texts.Length, i => opened[i] = data.OpenText(sealedValues[i]));
        Assert.Equal(texts, opened);
    }

    [Fact]
    public void A_member_key_is_the_blind_index_in_hex_and_reads_back_to_it()
    {
        var data = With(active: 1);
        var key = data.MemberKey("36022219900101123x");
        Assert.Matches("^[0-9a-f]{32}$", key);
        Assert.Equal(data.IdIndex("36022219900101123X"), PersonalData.IndexOfMemberKey(key));
        Assert.DoesNotContain("19900101", key);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0123")]
    [InlineData("zz23456789abcdef0123456789abcdef")]
    [InlineData("36022219900101123X36022219900101")]
    public void Text_that_is_not_a_member_key_stands_for_no_index(string? text) =>
        Assert.Null(PersonalData.IndexOfMemberKey(text));
}
