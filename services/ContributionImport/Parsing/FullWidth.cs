namespace ContributionImport.Parsing;

/// <summary>
/// Full-width forms (５００．００, ＡＢ, （）) typed with a Chinese input method, read as the ASCII
/// characters they stand for, in every column: a clerk cannot see the difference, so the import
/// must not make one.
/// </summary>
public static class FullWidth
{
    private const char First = '\uFF01'; // ！
    private const char Last = '\uFF5E'; // ～
    private const char IdeographicSpace = '\u3000';
    private const int Offset = First - '!';

    /// <summary>The value itself when it holds no full-width character (the common case allocates
    /// nothing).</summary>
    public static string ToAscii(string value)
    {
        var span = value.AsSpan();
        var at = span.IndexOfAnyInRange(First, Last);
        var space = span.IndexOf(IdeographicSpace);
        if (at < 0 && space < 0)
            return value;
        return string.Create(value.Length, value, static (target, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                target[i] =
                    c is >= First and <= Last ? (char)(c - Offset)
                    : c == IdeographicSpace ? ' '
                    : c;
            }
        });
    }
}
