namespace Subsidy.Contracts;

/// <summary>公民身份号码 (GB 11643-1999): 6 area + 8 birth date + 3 sequence + ISO 7064 MOD 11-2 check
/// character.</summary>
public static class IdNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    /// <summary>Null when valid; otherwise why not, in Chinese.</summary>
    public static string? WhyInvalid(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return "公民身份号码不能为空";
        if (value.Length != 18)
            return $"公民身份号码应为18位，实际为{value.Length}位";
        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(value[i]))
                return "公民身份号码前17位须为数字";
        }
        // The eight birth digits read one by one: the framework's format parser was a visible share
        // of a million-row import.
        var year = Digits(value.AsSpan(6, 4));
        var month = Digits(value.AsSpan(10, 2));
        var day = Digits(value.AsSpan(12, 2));
        if (
            year is < 1900 or > 9999
            || month is < 1 or > 12
            || day < 1
            || day > DateTime.DaysInMonth(year, month)
        )
        {
            return $"出生日期 {value.Substring(6, 8)} 不存在";
        }
        var expected = CheckCharacter(value.AsSpan(0, 17));
        if (char.ToUpperInvariant(value[17]) != expected)
            return $"校验码错误：末位应为 {expected}";
        return null;
    }

    public static bool IsValid(string? value) => WhyInvalid(value) is null;

    private static int Digits(ReadOnlySpan<char> digits)
    {
        var value = 0;
        foreach (var c in digits)
            value = value * 10 + (c - '0');
        return value;
    }

    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
            sum += (first17[i] - '0') * Weights[i];
        return CheckCharacters[sum % 11];
    }

    /// <summary>For the public: the first 6, eight asterisks, the last 4
    /// (docs/design/06-documents.md).</summary>
    /// <summary>
    /// A value a file gave as an ID number, right or wrong, as a report of the file's errors shows
    /// it: the first six and the last four characters, the rest starred, so the row is recognised
    /// and the fault (a number a spreadsheet kept as 3.6E+17, a digit too few) still shows, but the
    /// birth date and sequence number do not; a value of ten characters or fewer is starred whole.
    /// An ID number of eighteen characters reads as <see cref="Mask"/> gives it.
    /// </summary>
    public static string MaskAsWritten(string value) =>
        value.Length > 10
            ? string.Concat(
                value.AsSpan(0, 6),
                new string('*', value.Length - 10),
                value.AsSpan(value.Length - 4)
            )
            : new string('*', value.Length);

    public static string Mask(string value) =>
        value.Length == 18 ? MaskAsWritten(value) : new string('*', value.Length);
}
