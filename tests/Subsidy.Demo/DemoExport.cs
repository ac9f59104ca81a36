using System.Globalization;
using System.Text;
using Subsidy.Contracts;

namespace Subsidy.Demo;

/// <summary>
/// A realistic contribution-detail export for 浮梁县, made from a fixed seed: valid ID numbers, the
/// county's villages, and a real year's mix of items, types, tiers and identities.
/// </summary>
public static class DemoExport
{
    public static readonly string[] Townships =
    [
        "100",
        "101",
        "102",
        "103",
        "104",
        "105",
        "106",
        "107",
        "108",
        "200",
        "201",
        "202",
        "203",
        "204",
        "205",
        "206",
    ];

    /// <summary>Jiangxi's fourteen tiers, which the export's people pay.</summary>
    public static IReadOnlyList<decimal> ProvinceTiers => Tiers;

    private static readonly decimal[] Tiers =
    [
        300,
        400,
        500,
        600,
        700,
        800,
        900,
        1000,
        1500,
        2000,
        3000,
        4000,
        5000,
        6000,
    ];
    private static readonly double[] TierShares =
    [
        0.42,
        0.08,
        0.14,
        0.05,
        0.03,
        0.05,
        0.02,
        0.12,
        0.04,
        0.03,
        0.01,
        0.005,
        0.003,
        0.002,
    ];
    private static readonly string[] Surnames =
    [
        "张",
        "王",
        "李",
        "刘",
        "陈",
        "杨",
        "黄",
        "赵",
        "吴",
        "周",
        "徐",
        "孙",
        "朱",
        "胡",
        "程",
        "汪",
        "余",
        "洪",
    ];
    private static readonly string[] Given =
    [
        "建华",
        "秀英",
        "国强",
        "桂兰",
        "志明",
        "玉梅",
        "春生",
        "金花",
        "水根",
        "冬梅",
        "小平",
        "长发",
        "美兰",
        "德胜",
        "丽华",
        "振兴",
    ];

    public static IReadOnlyList<string> Villages(int perTownship = 10) =>
        Townships
            .SelectMany(t =>
                Enumerable
                    .Range(0, perTownship)
                    .Select(v => $"360222{t}{(v < 2 ? 1 + v : 200 + v):000}")
            )
            .ToList();

    /// <summary>Villages (村委会, 200 and above) numbered from <paramref name="firstNumber"/> in the
    /// given townships.</summary>
    public static IReadOnlyList<string> Villages(
        IEnumerable<string> townships,
        int perTownship,
        int firstNumber
    ) =>
        townships
            .SelectMany(t =>
                Enumerable.Range(firstNumber, perTownship).Select(v => $"360222{t}{v:000}")
            )
            .ToList();

    public static string Header =>
        "姓名,公民身份号码,行政区划代码,缴费年度,缴费项目,缴费类型,缴费档次,缴费金额,到账日期,参保身份,待遇状态";

    /// <summary>Writes <paramref name="rows"/> records as UTF-8 CSV; returns the file's
    /// size.</summary>
    public static long Write(
        string path,
        int rows,
        int year,
        IReadOnlyList<string> villages,
        int seed = 20240722,
        string county = "360222"
    )
    {
        var random = new Random(seed);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20)
        {
            NewLine = "\r\n",
        };
        writer.WriteLine(Header);
        var person = 0;
        var written = 0;
        while (written < rows)
        {
            person++;
            var village = villages[person % villages.Count];
            var id = IdFor(county, person, random);
            var name = Surnames[random.Next(Surnames.Length)] + Given[random.Next(Given.Length)];
            var roll = random.NextDouble();
            var (identity, special) = roll switch
            {
                < 0.03 => ("061", true),
                < 0.04 => ("031", true),
                < 0.055 => ("021", true),
                < 0.075 => ("051", true),
                < 0.08 => ("023", false),
                < 0.085 => ("071", false),
                _ => ("011", false),
            };
            var benefit = random.NextDouble() < 0.02 ? "已领取" : "未领取";
            var date = new DateOnly(year, 1, 10).AddDays(random.Next(300)); // some pay after 30 Sept
            if (special)
            {
                Line(
                    writer,
                    name,
                    id,
                    village,
                    year,
                    "政府代缴",
                    "正常缴费",
                    100,
                    100,
                    date,
                    identity,
                    benefit
                );
                if (++written >= rows)
                    break;
            }
            var tier = PickTier(random);
            var backPayment = random.NextDouble() switch
            {
                < 0.01 => "一次性补缴",
                < 0.04 => "补缴",
                _ => null,
            };
            var amount = random.NextDouble() < 0.03 ? tier + 50 : tier; // a few pay between tiers
            Line(
                writer,
                name,
                id,
                village,
                year,
                "个人缴费",
                "正常缴费",
                amount == tier ? tier : null,
                amount,
                date,
                identity,
                benefit
            );
            written++;
            if (backPayment is not null && written < rows)
            {
                // Back payments pay for earlier years (docs/design/03-import.md): the row carries
                // the year it pays for. A lump sum (一次性补缴) covers several missed years at once and
                // names no tier; it bars the subsidy for good.
                var missed = 1 + random.Next(Math.Min(10, year - 2012));
                var forYear = year - missed;
                if (backPayment == "一次性补缴")
                    Line(
                        writer,
                        name,
                        id,
                        village,
                        forYear,
                        "个人缴费",
                        backPayment,
                        null,
                        tier * missed,
                        date,
                        identity,
                        benefit
                    );
                else
                    Line(
                        writer,
                        name,
                        id,
                        village,
                        forYear,
                        "个人缴费",
                        backPayment,
                        tier,
                        tier,
                        date,
                        identity,
                        benefit
                    );
                written++;
            }
            foreach (var subsidy in new[] { "省级补贴", "县级补贴" })
            {
                if (written >= rows)
                    break;
                Line(
                    writer,
                    name,
                    id,
                    village,
                    year,
                    subsidy,
                    "正常缴费",
                    null,
                    subsidy == "省级补贴" ? 30 : 10,
                    date.AddDays(5),
                    identity,
                    benefit
                );
                written++;
            }
        }
        writer.Flush();
        return writer.BaseStream.Length;
    }

    private static decimal PickTier(Random random)
    {
        var roll = random.NextDouble();
        for (var i = 0; i < Tiers.Length; i++)
        {
            roll -= TierShares[i];
            if (roll <= 0)
                return Tiers[i];
        }
        return Tiers[0];
    }

    private static string IdFor(string county, int person, Random random)
    {
        // Contributors are of working age (born 1967–2006, 20–59 in 2026), so a statement's
        // estimate at 60 has years to run; stepping 37 days through the 14,610 of those forty years
        // (coprime) keeps every thousand's birth date its own, starting mid-way (1987) so the first
        // people are not the oldest.
        var birth = new DateOnly(1967, 1, 1).AddDays((person / 1000 * 37 + 7305) % 14610);
        var first17 = $"{county}{birth:yyyyMMdd}{person % 1000:000}";
        return first17 + IdNumber.CheckCharacter(first17);
    }

    private static void Line(
        StreamWriter writer,
        string name,
        string id,
        string village,
        int year,
        string item,
        string type,
        decimal? tier,
        decimal amount,
        DateOnly date,
        string identity,
        string benefit
    )
    {
        writer.Write(name);
        writer.Write(',');
        writer.Write(id);
        writer.Write(',');
        writer.Write(village);
        writer.Write(',');
        writer.Write(year.ToString(CultureInfo.InvariantCulture));
        writer.Write(',');
        writer.Write(item);
        writer.Write(',');
        writer.Write(type);
        writer.Write(',');
        if (tier is { } t)
            writer.Write(t.ToString("0", CultureInfo.InvariantCulture));
        writer.Write(',');
        writer.Write(amount.ToString("0.00", CultureInfo.InvariantCulture));
        writer.Write(',');
        writer.Write(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        writer.Write(',');
        writer.Write(identity);
        writer.Write(',');
        writer.WriteLine(benefit);
    }
}
