using System.Data.Common;

namespace ContributionImport.Reading;

/// <summary>
/// Cells that repeat down a column (village codes, items, types, tiers, amounts, dates, identities)
/// share one string per distinct value, so a million-row export does not allocate a million copies
/// of each. A column whose values hardly repeat (names, ID numbers) is no longer pooled once it has
/// shown too many of them.
/// </summary>
public sealed class ColumnStringPool
{
    private const int MaxDistinct = 4096;
    private const int MaxLength = 32;

    // One lookup per column, by span, so a cell already seen is found without making a string of it
    // first.
    private readonly List<HashSet<string>.AlternateLookup<ReadOnlySpan<char>>?> _columns = [];

    public string GetString(DbDataReader reader, int ordinal, char[] buffer, int offset, int length)
    {
        if (length == 0)
            return string.Empty;
        var cell = buffer.AsSpan(offset, length);
        if (length > MaxLength)
            return new string(cell);
        while (_columns.Count <= ordinal)
            _columns.Add(
                new HashSet<string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>()
            );
        if (_columns[ordinal] is not { } seen)
            return new string(cell);
        if (seen.TryGetValue(cell, out var pooled))
            return pooled;
        var text = new string(cell);
        if (seen.Set.Count < MaxDistinct)
            seen.Set.Add(text);
        else
            _columns[ordinal] = null;
        return text;
    }
}
