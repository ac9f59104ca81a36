using Subsidy.Contracts;

namespace Subsidy.UnitTests.Contracts;

public class IdNumberTests
{
    [Theory]
    [InlineData("11010519491231002X")] // the standard's own example
    [InlineData("110105194912310029")]
    public void Check_character_follows_ISO_7064_MOD_11_2(string id)
    {
        var valid = IdNumber.IsValid(id);
        Assert.Equal(id.EndsWith('X'), valid);
    }

    [Theory]
    [InlineData("36022219800230001", "应为18位")]
    [InlineData("3602221980023000AX", "前17位须为数字")]
    [InlineData("360222198002300016", "出生日期 19800230 不存在")]
    [InlineData("360222180001010010", "出生日期")]
    [InlineData("360222198013010016", "出生日期 19801301 不存在")]
    [InlineData("360222198000010016", "出生日期 19800001 不存在")]
    [InlineData("360222198001000016", "出生日期 19800100 不存在")]
    [InlineData("360222202302290016", "出生日期 20230229 不存在")]
    public void Invalid_numbers_say_why(string id, string reason) =>
        Assert.Contains(reason, IdNumber.WhyInvalid(id));

    [Fact]
    public void The_twenty_ninth_of_february_is_a_birth_date_in_a_leap_year_only()
    {
        var leap = "36022220240229001";
        var plain = "36022220230228001";
        Assert.Null(IdNumber.WhyInvalid(leap + IdNumber.CheckCharacter(leap)));
        Assert.Null(IdNumber.WhyInvalid(plain + IdNumber.CheckCharacter(plain)));
    }

    [Fact]
    public void Lower_case_x_counts_as_the_check_character() =>
        Assert.True(IdNumber.IsValid("11010519491231002x"));

    [Fact]
    public void Mask_keeps_the_first_six_and_last_four() =>
        Assert.Equal("110105********002X", IdNumber.Mask("11010519491231002X"));

    [Theory]
    [InlineData("11010519491231002X", "110105********002X")]
    [InlineData("3.60222198001015E+17", "3.6022**********E+17")]
    [InlineData("36022219800101001", "360222*******1001")]
    [InlineData("1234567890", "**********")]
    [InlineData("", "")]
    public void A_value_written_as_an_id_number_is_masked_keeping_what_shows_its_fault(
        string written,
        string shown
    ) => Assert.Equal(shown, IdNumber.MaskAsWritten(written));
}
