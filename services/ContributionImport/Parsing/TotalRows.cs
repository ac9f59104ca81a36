namespace ContributionImport.Parsing;

public enum TotalKind
{
    Subtotal,
    GrandTotal,
}

/// <summary>
/// A closing 合计 or 总计 row, or a 小计 between a village's records, is the export's own total, not a
/// record: it is skipped when its amount equals the records it sums (a 小计: the records since the
/// previous 小计; a 合计 or 总计: every record of the file), and is the error otherwise. Pure: the
/// processor feeds it every record's amount.
/// </summary>
public sealed class TotalRows
{
    private static readonly string[] GrandWords = ["合计", "总计"];
    private const string SubWord = "小计";

    /// <summary>A label longer than this is a remark, not a total.</summary>
    private const int LongestLabel = 24;

    /// <summary>How many skipped rows the batch's note names by number.</summary>
    private const int RowsNamed = 10;

    private decimal _all;
    private decimal _sinceSubtotal;
    private readonly List<int> _skipped = [];

    /// <summary>How many total rows agreed with their records and were skipped.</summary>
    public int Skipped { get; private set; }

    /// <summary>What the batch says of the total rows it skipped; null when there were
    /// none.</summary>
    public string? Note =>
        Skipped == 0
            ? null
            : $"跳过合计/小计行 {Skipped} 行（第{string.Join("、", _skipped)}行{(Skipped > RowsNamed ? "等" : "")}），其金额与明细之和相符，不计为缴费记录";

    /// <summary>A total row names its kind in a text cell and carries no ID number.</summary>
    public static TotalKind? KindOf(string?[] cells, HeaderMap map)
    {
        if (!string.IsNullOrEmpty(map.Cell(cells, Field.IdNumber)))
            return null;
        foreach (var cell in cells)
        {
            if (string.IsNullOrEmpty(cell) || cell.Length > LongestLabel)
                continue;
            // Labels are often spaced out to fill the cell: "合　计", "总 计".
            var label = string.Concat(cell.Where(c => !char.IsWhiteSpace(c)));
            if (label.Contains(SubWord, StringComparison.Ordinal))
                return TotalKind.Subtotal;
            if (GrandWords.Any(w => label.Contains(w, StringComparison.Ordinal)))
                return TotalKind.GrandTotal;
        }
        return null;
    }

    /// <summary>A record's amount (or, of a row with other errors, whatever amount it gives),
    /// towards the totals.</summary>
    public void Add(decimal amount)
    {
        _all += amount;
        _sinceSubtotal += amount;
    }

    /// <summary>Null when the total row agrees with the records it sums (and is noted); else the
    /// error at its amount.</summary>
    public ImportError? Check(int rowNumber, string?[] cells, HeaderMap map, TotalKind kind)
    {
        var label = kind == TotalKind.Subtotal ? SubWord : "合计";
        var expected = kind == TotalKind.Subtotal ? _sinceSubtotal : _all;
        var column = map.HeaderOf(Field.Amount);
        var text = map.Cell(cells, Field.Amount);
        if (kind == TotalKind.Subtotal)
            _sinceSubtotal = 0;
        if (string.IsNullOrEmpty(text))
        {
            return new ImportError(
                rowNumber,
                column,
                text,
                $"这是{label}行（没有身份证号），却没有缴费金额：{label}行须写明金额合计 {expected:N2} 元，或删除该行"
            );
        }
        if (!ContributionRowParser.TryParseMoney(text, out var amount))
        {
            return new ImportError(
                rowNumber,
                column,
                text,
                $"这是{label}行（没有身份证号），其缴费金额无法识别"
            );
        }
        if (amount != expected)
        {
            var scope = kind == TotalKind.Subtotal ? "上一个小计行之后各行" : "全部明细行";
            return new ImportError(
                rowNumber,
                column,
                text,
                $"{label}行金额 {amount:N2} 元与{scope}缴费金额之和 {expected:N2} 元不符：请核对明细是否缺行或多行"
            );
        }
        if (++Skipped <= RowsNamed)
            _skipped.Add(rowNumber);
        return null;
    }
}
