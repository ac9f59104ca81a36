using System.Text;

namespace Document.Rendering;

/// <summary>
/// 金额大写 as the People's Bank rules for bills write it: 壹拾 not 拾, one 零 for any run of zeros, 整
/// after 元 or 角 when there are no 分 (e.g. 12,300.00 → 壹万贰仟叁佰元整). Pure.
/// </summary>
public static class ChineseAmount
{
    private const string Digits = "零壹贰叁肆伍陆柒捌玖";
    private static readonly string[] PlaceUnits = ["", "拾", "佰", "仟"];
    private static readonly string[] GroupUnits = ["", "万", "亿", "万亿"];

    public static string InCapitals(decimal amount)
    {
        if (amount < 0)
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "金额不能为负数。");
        if (decimal.Round(amount, 2) != amount)
            throw new ArgumentException($"金额 {amount} 超过两位小数。", nameof(amount));
        if (amount >= 10_000_000_000_000_000m)
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "金额过大。");

        var whole = (long)decimal.Truncate(amount);
        var cents = (int)((amount - whole) * 100);
        var (jiao, fen) = (cents / 10, cents % 10);
        var text = new StringBuilder();
        if (whole > 0)
            text.Append(WholePart(whole)).Append('元');
        if (jiao == 0 && fen == 0)
            return whole == 0 ? "零元整" : text.Append('整').ToString();
        if (whole > 0 && jiao == 0)
            text.Append('零');
        if (jiao > 0)
            text.Append(Digits[jiao]).Append('角');
        return fen > 0
            ? text.Append(Digits[fen]).Append('分').ToString()
            : text.Append('整').ToString();
    }

    private static string WholePart(long value)
    {
        var groups = new List<int>();
        for (var rest = value; rest > 0; rest /= 10_000)
            groups.Add((int)(rest % 10_000));
        var text = new StringBuilder();
        var skippedZero = false;
        for (var i = groups.Count - 1; i >= 0; i--)
        {
            var group = groups[i];
            if (group == 0)
            {
                skippedZero = text.Length > 0;
                continue;
            }
            // A zero between this group and the one above: 壹万零壹元, 壹亿零壹仟元.
            if (text.Length > 0 && (skippedZero || group < 1000))
                text.Append('零');
            text.Append(Group(group)).Append(GroupUnits[i]);
            skippedZero = false;
        }
        return text.ToString();
    }

    private static string Group(int group)
    {
        var text = new StringBuilder();
        var zeroPending = false;
        for (var place = 3; place >= 0; place--)
        {
            var digit = group / (int)Math.Pow(10, place) % 10;
            if (digit == 0)
            {
                zeroPending = text.Length > 0;
                continue;
            }
            if (zeroPending)
                text.Append('零');
            text.Append(Digits[digit]).Append(PlaceUnits[place]);
            zeroPending = false;
        }
        return text.ToString();
    }
}
