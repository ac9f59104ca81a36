using Subsidy.Contracts;

namespace Subsidy.UnitTests.Contracts;

public class DivisionCodeTests
{
    [Theory]
    [InlineData("360000000000", DivisionLevel.Province)]
    [InlineData("360200000000", DivisionLevel.City)]
    [InlineData("360222000000", DivisionLevel.County)]
    [InlineData("360222100000", DivisionLevel.Township)]
    [InlineData("360222100201", DivisionLevel.Village)]
    [InlineData("360222206001", DivisionLevel.Village)]
    public void Level_is_read_from_the_code_segments(string code, DivisionLevel level) =>
        Assert.Equal(level, DivisionCode.LevelOf(code));

    [Theory]
    [InlineData("36022210020")] // 11 digits
    [InlineData("3602221002011")] // 13 digits
    [InlineData("36022210020A")] // not a digit
    [InlineData("")]
    [InlineData(null)]
    public void Malformed_codes_are_rejected(string? code)
    {
        Assert.False(DivisionCode.IsWellFormed(code));
        if (code is not null)
            Assert.Null(DivisionCode.LevelOf(code));
    }

    [Theory]
    [InlineData("360222000201")] // village under no township
    [InlineData("360200100000")] // township under no county
    [InlineData("000000000000")] // no province
    public void Codes_that_skip_a_level_name_no_division(string code) =>
        Assert.Null(DivisionCode.LevelOf(code));

    [Theory]
    [InlineData("360222100201", "360222100000")]
    [InlineData("360222100000", "360222000000")]
    [InlineData("360222000000", "360200000000")]
    [InlineData("360200000000", "360000000000")]
    [InlineData("360000000000", null)]
    public void Parent_is_the_code_one_level_up(string code, string? parent) =>
        Assert.Equal(parent, DivisionCode.ParentOf(code));

    [Theory]
    [InlineData("360222100201", "360222100201")]
    [InlineData("360222100000", "360222100")]
    [InlineData("360222000000", "360222")]
    [InlineData("360200000000", "3602")]
    [InlineData("360000000000", "36")]
    public void Scope_prefix_covers_exactly_the_divisions_inside(string code, string prefix) =>
        Assert.Equal(prefix, DivisionCode.ScopePrefix(code));

    [Theory]
    [InlineData("360222100001", true)]
    [InlineData("360222100199", true)]
    [InlineData("360222100200", false)]
    [InlineData("360222100201", false)]
    public void Village_segment_below_200_is_a_residents_committee(string code, bool residents) =>
        Assert.Equal(residents, DivisionCode.IsResidentsCommittee(code));

    [Theory]
    [InlineData("360222100000", true)]
    [InlineData("360222108000", true)]
    [InlineData("360222200000", false)]
    public void Township_segment_1xx_is_a_town_and_2xx_a_township(string code, bool town) =>
        Assert.Equal(town, DivisionCode.IsTown(code));
}
