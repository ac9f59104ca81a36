using System.Text.Json;

namespace Subsidy.Contracts;

/// <summary>
/// Enum values as the API, the events, the audit log and the databases spell them: "PublishNotice"
/// → "publish-notice", the same policy as the JSON enum converters, so a code written by hand and a
/// code serialised never differ.
/// </summary>
public static class EnumCodes
{
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>The value whose code this is; false for anything else (a code is never matched
    /// loosely).</summary>
    public static bool TryParse<TEnum>(string? code, out TEnum value)
        where TEnum : struct, Enum => ByCode<TEnum>.Values.TryGetValue(code ?? "", out value);

    public static TEnum Parse<TEnum>(string code)
        where TEnum : struct, Enum =>
        TryParse<TEnum>(code, out var value)
            ? value
            : throw new FormatException($"“{code}”不是 {typeof(TEnum).Name} 的代码。");

    private static class ByCode<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly IReadOnlyDictionary<string, TEnum> Values = Enum.GetValues<TEnum>()
            .ToDictionary(v => Of(v), StringComparer.Ordinal);
    }
}
