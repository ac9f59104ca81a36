namespace Subsidy.Contracts;

/// <summary>统一社会信用代码 (GB 32100-2015): 18 characters, the last a MOD 31 check character.</summary>
public static class CreditCode
{
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights =
    [
        1,
        3,
        9,
        27,
        19,
        26,
        16,
        17,
        20,
        29,
        25,
        13,
        8,
        24,
        10,
        30,
        28,
    ];

    public static bool IsValid(string? code)
    {
        if (code is not { Length: 18 })
            return false;
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var value = Alphabet.IndexOf(code[i]);
            if (value < 0)
                return false;
            sum += value * Weights[i];
        }
        var check = (31 - sum % 31) % 31;
        return code[17] == Alphabet[check];
    }

    /// <summary>The check character for 17 leading characters (used to make valid codes in demo
    /// data and tests).</summary>
    public static char CheckCharacter(string first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
            sum += Alphabet.IndexOf(first17[i]) * Weights[i];
        return Alphabet[(31 - sum % 31) % 31];
    }
}
