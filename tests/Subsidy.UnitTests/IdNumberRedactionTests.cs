using Subsidy.ServiceDefaults.Telemetry;

namespace Subsidy.UnitTests;

public class IdNumberRedactionTests
{
    [Theory]
    [InlineData("参保人 36022219800101123X 缴费失败")]
    [InlineData("id=360222198001011234")]
    [InlineData("360222200512310021")]
    public void Id_numbers_in_text_are_hidden_but_the_area_code_stays(string text)
    {
        Assert.True(IdNumberRedaction.ContainsIdNumber(text));
        var redacted = IdNumberRedaction.Redact(text);
        Assert.False(IdNumberRedaction.ContainsIdNumber(redacted));
        Assert.Contains("360222************", redacted);
    }

    [Theory]
    [InlineData("village 360222100201")]          // a division code is not a person
    [InlineData("amount 1234567890")]
    [InlineData("trace 0af7651916cd43dd8448eb211c80319c")]
    public void Other_numbers_are_left_alone(string text)
    {
        Assert.False(IdNumberRedaction.ContainsIdNumber(text));
        Assert.Equal(text, IdNumberRedaction.Redact(text));
    }
}
