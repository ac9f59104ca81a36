using Document.Rendering;

namespace Subsidy.UnitTests.Document;

public class ChineseAmountTests
{
    [Theory]
    [InlineData("0", "零元整")]
    [InlineData("0.05", "伍分")]
    [InlineData("0.5", "伍角整")]
    [InlineData("0.55", "伍角伍分")]
    [InlineData("1", "壹元整")]
    [InlineData("10", "壹拾元整")]
    [InlineData("10.05", "壹拾元零伍分")]
    [InlineData("10.5", "壹拾元伍角整")]
    [InlineData("100", "壹佰元整")]
    [InlineData("101", "壹佰零壹元整")]
    [InlineData("110", "壹佰壹拾元整")]
    [InlineData("1001.1", "壹仟零壹元壹角整")]
    [InlineData("1010", "壹仟零壹拾元整")]
    [InlineData("10001", "壹万零壹元整")]
    [InlineData("10010", "壹万零壹拾元整")]
    [InlineData("12300", "壹万贰仟叁佰元整")]
    [InlineData("100000", "壹拾万元整")]
    [InlineData("100010", "壹拾万零壹拾元整")]
    [InlineData("1000100", "壹佰万零壹佰元整")]
    [InlineData("1010000", "壹佰零壹万元整")]
    [InlineData("12345678.9", "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整")]
    [InlineData("100000000", "壹亿元整")]
    [InlineData("100000001", "壹亿零壹元整")]
    [InlineData("100001000", "壹亿零壹仟元整")]
    [InlineData("120000300.07", "壹亿贰仟万零叁佰元零柒分")]
    public void Amounts_are_written_in_capitals_as_bills_write_them(
        string amount,
        string capitals
    ) =>
        Assert.Equal(
            capitals,
            ChineseAmount.InCapitals(
                decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)
            )
        );

    [Fact]
    public void Every_amount_up_to_a_hundred_thousand_fen_reads_back_to_itself()
    {
        for (var fen = 0; fen <= 100_000; fen++)
        {
            var amount = fen / 100m;
            Assert.Equal(amount, ReadBack(ChineseAmount.InCapitals(amount)));
        }
    }

    [Fact]
    public void Negative_amounts_and_fractions_of_a_fen_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ChineseAmount.InCapitals(-1m));
        Assert.Throws<ArgumentException>(() => ChineseAmount.InCapitals(1.005m));
    }

    /// <summary>An independent reader of 大写, to check the writer over many amounts.</summary>
    internal static decimal ReadBackForTests(string capitals) => ReadBack(capitals);

    private static decimal ReadBack(string capitals)
    {
        const string digits = "零壹贰叁肆伍陆柒捌玖";
        decimal total = 0,
            section = 0,
            digit = 0;
        foreach (var c in capitals)
        {
            var d = digits.IndexOf(c);
            if (d >= 0)
            {
                digit = d;
                continue;
            }
            switch (c)
            {
                case '拾':
                    section += digit * 10;
                    digit = 0;
                    break;
                case '佰':
                    section += digit * 100;
                    digit = 0;
                    break;
                case '仟':
                    section += digit * 1000;
                    digit = 0;
                    break;
                case '万':
                    total += (section + digit) * 10_000;
                    section = 0;
                    digit = 0;
                    break;
                case '亿':
                    total = (total + section + digit) * 100_000_000;
                    section = 0;
                    digit = 0;
                    break;
                case '元':
                    total += section + digit;
                    section = 0;
                    digit = 0;
                    break;
                case '角':
                    total += digit / 10;
                    digit = 0;
                    break;
                case '分':
                    total += digit / 100;
                    digit = 0;
                    break;
            }
        }
        return total;
    }
}

public class MaskingTests
{
    [Theory]
    [InlineData("张三", "张*")]
    [InlineData("张小三", "张*三")]
    [InlineData("欧阳娜娜", "欧**娜")]
    [InlineData("买买提·艾力", "买****力")]
    [InlineData("王", "*")]
    [InlineData(" 李四 ", "李*")]
    public void Names_keep_only_their_first_and_last_character(string name, string masked) =>
        Assert.Equal(masked, Masking.Name(name));

    [Fact]
    public void An_ID_number_keeps_its_first_six_and_last_four_characters() =>
        Assert.Equal("360222********123X", Masking.IdNumber("36022219800101123X"));

    [Fact]
    public void Every_masked_ID_hides_the_birth_date_and_sequence()
    {
        var random = new Random(7);
        for (var i = 0; i < 10_000; i++)
        {
            var id =
                string.Concat(Enumerable.Range(0, 17).Select(_ => (char)('0' + random.Next(10))))
                + "X";
            var masked = Masking.IdNumber(id);
            Assert.Equal(18, masked.Length);
            Assert.Equal(id[..6], masked[..6]);
            Assert.Equal(id[14..], masked[14..]);
            Assert.Equal("********", masked[6..14]);
        }
    }
}

public class ChineseAmountRandomTests
{
    [Fact]
    public void Random_amounts_up_to_ten_billion_read_back_to_themselves()
    {
        var random = new Random(11);
        for (var i = 0; i < 20_000; i++)
        {
            // Zeros are where the rules are hard: make many digits zero.
            var digits = string.Concat(
                Enumerable
                    .Range(0, 12)
                    .Select(_ => random.Next(3) == 0 ? (char)('1' + random.Next(9)) : '0')
            );
            var amount =
                decimal.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) / 100m;
            Assert.Equal(
                amount,
                ChineseAmountTests.ReadBackForTests(ChineseAmount.InCapitals(amount))
            );
        }
    }
}
