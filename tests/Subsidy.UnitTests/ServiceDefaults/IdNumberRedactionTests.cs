using Subsidy.ServiceDefaults.Telemetry;

namespace Subsidy.UnitTests.ServiceDefaults;

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
    [InlineData("village 360222100201")] // a division code is not a person
    [InlineData("amount 1234567890")]
    [InlineData("trace 0af7651916cd43dd8448eb211c80319c")]
    public void Other_numbers_are_left_alone(string text)
    {
        Assert.False(IdNumberRedaction.ContainsIdNumber(text));
        Assert.Equal(text, IdNumberRedaction.Redact(text));
    }
}

public class RedactingConsoleFormatterTests
{
    [Fact]
    public void Console_lines_never_carry_a_full_id_number()
    {
        var formatter = new RedactingConsoleFormatter();
        using var writer = new StringWriter();
        var entry = new Microsoft.Extensions.Logging.Abstractions.LogEntry<string>(
            Microsoft.Extensions.Logging.LogLevel.Warning,
            "Import",
            new Microsoft.Extensions.Logging.EventId(7),
            "第3行 身份证 36022219800101123X 无效",
            new InvalidOperationException("bad 360222198001011234"),
            (state, e) => state
        );
        formatter.Write(entry, null, writer);
        var line = writer.ToString();
        Assert.Contains("第3行", line);
        Assert.DoesNotContain("36022219800101123X", line);
        Assert.DoesNotContain("360222198001011234", line);
    }
}
