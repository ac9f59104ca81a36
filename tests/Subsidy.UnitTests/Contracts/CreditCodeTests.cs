using Subsidy.Contracts;

namespace Subsidy.UnitTests.Contracts;

public class CreditCodeTests
{
    [Theory]
    [InlineData("N2360222MF0000000K", true)]
    [InlineData("91360200MA35XXXXXX", false)]
    [InlineData("N2360222MF0000000", false)]
    [InlineData("N2360222MF0000000I", false)] // I is not in the alphabet
    public void Check_character_follows_GB_32100(string code, bool valid) =>
        Assert.Equal(valid, CreditCode.IsValid(code));

    [Fact]
    public void Check_character_can_be_computed() =>
        Assert.Equal('K', CreditCode.CheckCharacter("N2360222MF0000000"));
}
