namespace Subsidy.ServiceDefaults;

/// <summary>Enum values as the API and the audit log write them: "ApproveTownship" → "approve-township".</summary>
public static class KebabCase
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
