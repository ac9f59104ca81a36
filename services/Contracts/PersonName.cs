using System.Globalization;

namespace Subsidy.Contracts;

/// <summary>A resident's name as the public may see it (docs/design/06-documents.md). Pure.</summary>
public static class PersonName
{
    /// <summary>First and last character kept, every one between starred (张*三); a two-character
    /// name keeps only the first (张*).</summary>
    public static string Mask(string name)
    {
        var text = name.Trim();
        var letters = StringInfo.ParseCombiningCharacters(text);
        string At(int i) => StringInfo.GetNextTextElement(text, letters[i]);
        return letters.Length switch
        {
            0 => "",
            1 => "*",
            2 => At(0) + "*",
            _ => At(0) + new string('*', letters.Length - 2) + At(letters.Length - 1),
        };
    }
}
