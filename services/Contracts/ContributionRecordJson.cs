using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Subsidy.Contracts;

/// <summary>
/// A contribution record in JSON as a positional array —
/// <c>[row, name, idNumber, villageCode, year, item, type, tier, amount, paidOn, identity,
/// specialGroup, receivingBenefits]</c>, item and type as the business system's codes (aae341,
/// aaa115), the special group by its code (<see cref="SpecialGroups.Code"/>). A city's year is a
/// million of these on the way from the import to the calculation and in the calculation's store:
/// without the property names each is less than half the size, and reading it matches no names.
/// </summary>
public sealed class ContributionRecordJson : JsonConverter<ContributionRecord>
{
    public override void Write(
        Utf8JsonWriter writer,
        ContributionRecord value,
        JsonSerializerOptions options
    )
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.RowNumber);
        writer.WriteStringValue(value.Name);
        writer.WriteStringValue(value.IdNumber);
        writer.WriteStringValue(value.VillageCode);
        writer.WriteNumberValue(value.Year);
        writer.WriteNumberValue((int)value.Item);
        writer.WriteNumberValue((int)value.Type);
        if (value.Tier is { } tier)
            writer.WriteNumberValue(tier);
        else
            writer.WriteNullValue();
        writer.WriteNumberValue(value.Amount);
        Span<char> date = stackalloc char[10];
        value.PaidOn.TryFormat(date, out _, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        writer.WriteStringValue(date);
        if (value.Identity is { } identity)
            writer.WriteStringValue(identity);
        else
            writer.WriteNullValue();
        if (value.SpecialGroup is { } group)
            writer.WriteStringValue(SpecialGroups.Code(group));
        else
            writer.WriteNullValue();
        writer.WriteBooleanValue(value.ReceivingBenefits);
        writer.WriteEndArray();
    }

    public override ContributionRecord Read(
        ref Utf8JsonReader reader,
        Type typeToConvert,
        JsonSerializerOptions options
    )
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException(
                "缴费记录应为数组 [行号, 姓名, 身份证号, 村代码, 年度, 项目, 类型, 档次, 金额, 日期, 身份, 特殊群体, 领取待遇]"
            );
        var row = NextInt(ref reader);
        var name = NextString(ref reader) ?? throw new JsonException("缴费记录缺少姓名");
        var idNumber = NextString(ref reader) ?? throw new JsonException("缴费记录缺少身份证号");
        var village = NextString(ref reader) ?? throw new JsonException("缴费记录缺少村代码");
        var year = NextInt(ref reader);
        var item = (ContributionItem)NextInt(ref reader);
        var type = (PaymentType)NextInt(ref reader);
        var tier = NextDecimalOrNull(ref reader);
        var amount = NextDecimalOrNull(ref reader) ?? throw new JsonException("缴费记录缺少金额");
        var paidOn = DateOnly.ParseExact(
            NextString(ref reader) ?? throw new JsonException("缴费记录缺少缴费日期"),
            "yyyy-MM-dd",
            CultureInfo.InvariantCulture
        );
        var identity = NextString(ref reader);
        var group = NextGroup(ref reader);
        Next(ref reader);
        var benefits = reader.GetBoolean();
        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
            throw new JsonException("缴费记录数组的元素多于 13 个");
        return new ContributionRecord(
            row,
            name,
            idNumber,
            village,
            year,
            item,
            type,
            tier,
            amount,
            paidOn,
            identity,
            group,
            benefits
        );
    }

    private static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray)
            throw new JsonException("缴费记录数组的元素少于 13 个");
    }

    private static int NextInt(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        return reader.GetInt32();
    }

    /// <summary>A group's code; records stored before the codes carry its number, which reads the
    /// same.</summary>
    private static SpecialGroup? NextGroup(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        return reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.Number => (SpecialGroup)reader.GetInt32(),
            _ => SpecialGroups.TryFromCode(reader.GetString(), out var group)
                ? group
                : throw new JsonException($"特殊群体代码 {reader.GetString()} 无法识别"),
        };
    }

    private static decimal? NextDecimalOrNull(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        return reader.TokenType == JsonTokenType.Null ? null : reader.GetDecimal();
    }

    private static string? NextString(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        return reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
    }
}
