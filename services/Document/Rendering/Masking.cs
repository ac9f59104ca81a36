namespace Document.Rendering;

/// <summary>What the public notice may show of a person (docs/design/06-documents.md): 张*三, 张*;
/// 360222********1234. Pure.</summary>
public static class Masking
{
    /// <summary>First and last character kept, every one between starred; a two-character name
    /// keeps only the first.</summary>
    public static string Name(string name) => Subsidy.Contracts.PersonName.Mask(name);

    /// <summary>First 6 characters (the issuing county), 8 asterisks, last 4.</summary>
    public static string IdNumber(string idNumber) => Subsidy.Contracts.IdNumber.Mask(idNumber);
}
