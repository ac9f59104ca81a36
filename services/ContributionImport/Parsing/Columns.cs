namespace ContributionImport.Parsing;

public enum Field
{
    Name,
    IdNumber,
    VillageCode,
    Year,
    Item,
    Type,
    Tier,
    Amount,
    PaidOn,
    Identity,
    BenefitStatus,
}

/// <summary>The business system's export columns and every header they are known by
/// (docs/design/03-import.md).</summary>
public static class Columns
{
    public static readonly IReadOnlyDictionary<Field, string[]> Headers = new Dictionary<
        Field,
        string[]
    >
    {
        [Field.Name] = ["姓名", "aac003"],
        [Field.IdNumber] = ["公民身份号码", "身份证号", "身份证号码", "aac002"],
        [Field.VillageCode] = ["行政区划代码", "村(居)编码", "村（居）编码", "aaf101"],
        [Field.Year] = ["缴费年度", "aae003"],
        [Field.Item] = ["缴费项目", "aae341"],
        [Field.Type] = ["缴费类型", "aaa115"],
        [Field.Tier] = ["缴费档次", "aae141"],
        [Field.Amount] = ["缴费金额", "金额", "aae022"],
        [Field.PaidOn] = ["到账日期", "缴费日期", "划拨日期", "aae006"],
        [Field.Identity] = ["参保身份", "aac066"],
        [Field.BenefitStatus] = ["待遇状态"],
    };

    public static readonly Field[] Required =
    [
        Field.Name,
        Field.IdNumber,
        Field.VillageCode,
        Field.Year,
        Field.Item,
        Field.Type,
        Field.Amount,
        Field.PaidOn,
    ];

    /// <summary>A village's member roster: name and ID number, optionally the village code and the
    /// special group.</summary>
    public static readonly IReadOnlyDictionary<Field, string[]> RosterHeaders = new Dictionary<
        Field,
        string[]
    >
    {
        [Field.Name] = Headers[Field.Name],
        [Field.IdNumber] = Headers[Field.IdNumber],
        [Field.VillageCode] = Headers[Field.VillageCode],
        [Field.Identity] = ["特殊群体", "人员类别", .. Headers[Field.Identity]],
    };

    public static readonly Field[] RosterRequired = [Field.Name, Field.IdNumber];

    /// <summary>The header a user sees for a field in reports: the first, Chinese one.</summary>
    public static string Label(Field field) => Headers[field][0];

    public static Field? Match(string? header) => Match(header, Headers);

    public static Field? Match(string? header, IReadOnlyDictionary<Field, string[]> headers)
    {
        if (string.IsNullOrWhiteSpace(header))
            return null;
        var normalized = header.Trim().Replace(" ", "").Replace("\u3000", "");
        foreach (var (field, names) in headers)
        {
            if (names.Any(n => string.Equals(n, normalized, StringComparison.OrdinalIgnoreCase)))
                return field;
        }
        return null;
    }
}

/// <summary>Which column holds which field, found in the first rows of the file (title rows may sit
/// above it).</summary>
public sealed record HeaderMap(
    int HeaderRowIndex,
    IReadOnlyDictionary<Field, int> ColumnOf,
    IReadOnlyList<string?> HeaderCells
)
{
    // Looked up for every cell of every row: an array indexed by field beats the dictionary.
    private readonly int[] _columns = Enum.GetValues<Field>()
        .Select(f => ColumnOf.TryGetValue(f, out var c) ? c : -1)
        .ToArray();

    public const int RowsSearched = 10;

    /// <summary>The first row among the first ten that names every required column; else the best
    /// candidate's missing columns.</summary>
    public static (HeaderMap? Map, IReadOnlyList<Field> Missing) Detect(
        IReadOnlyList<string?[]> firstRows
    ) => Detect(firstRows, Columns.Headers, Columns.Required);

    public static (HeaderMap? Map, IReadOnlyList<Field> Missing) Detect(
        IReadOnlyList<string?[]> firstRows,
        IReadOnlyDictionary<Field, string[]> headers,
        Field[] required
    )
    {
        IReadOnlyList<Field> fewestMissing = required;
        for (var r = 0; r < Math.Min(RowsSearched, firstRows.Count); r++)
        {
            var map = new Dictionary<Field, int>();
            var row = firstRows[r];
            for (var c = 0; c < row.Length; c++)
            {
                if (Columns.Match(row[c], headers) is { } field && !map.ContainsKey(field))
                    map[field] = c;
            }
            var missing = required.Where(f => !map.ContainsKey(f)).ToList();
            if (missing.Count == 0)
                return (new HeaderMap(r, map, row), []);
            if (map.Count > 0 && missing.Count < fewestMissing.Count)
                fewestMissing = missing;
        }
        return (null, fewestMissing);
    }

    public string? Cell(string?[] row, Field field)
    {
        var c = _columns[(int)field];
        if (c < 0 || c >= row.Length || row[c] is not { } cell)
            return null;
        var value = FullWidth.ToAscii(cell);
        return value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
            ? value.Trim()
            : value;
    }

    public string HeaderOf(Field field) =>
        ColumnOf.TryGetValue(field, out var c)
            ? HeaderCells[c]?.Trim() ?? Columns.Label(field)
            : Columns.Label(field);
}
