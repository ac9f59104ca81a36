namespace Subsidy.Demo;

/// <summary>A township of a demo county: the three digits after the county's code, and its name
/// (which the county bureau gives it when the registry does not hold it yet).</summary>
public sealed record DemoTownship(string Code, string Name);

/// <summary>
/// A county (or district, or county-level city) of the demo: its six-digit code, its name and its
/// townships. A seeded county (浮梁县) is in the registry from its first start; the others are
/// added by the city bureau, and their townships by their own county bureau.
/// </summary>
public sealed record DemoCounty(
    string Code,
    string Name,
    IReadOnlyList<DemoTownship> Townships,
    bool Seeded
)
{
    public string DivisionCode => Code + "000000";

    /// <summary>浮梁县 with the given townships, all seeded.</summary>
    public static DemoCounty FuLiang(IEnumerable<string> townships) =>
        new("360222", "浮梁县", [.. townships.Select(t => new DemoTownship(t, ""))], true);

    /// <summary>景德镇市's four counties and districts with rural townships: 昌江区, 珠山区, 浮梁县
    /// (its 16 townships) and 乐平市.</summary>
    public static IReadOnlyList<DemoCounty> Jingdezhen { get; } =
    [
        new(
            "360202",
            "昌江区",
            [new("100", "鲇鱼山镇"), new("101", "丽阳镇"), new("200", "荷塘乡")],
            false
        ),
        new("360203", "珠山区", [new("100", "竟成镇")], false),
        FuLiang(DemoExport.Townships),
        new(
            "360281",
            "乐平市",
            [
                new("100", "镇桥镇"),
                new("101", "乐港镇"),
                new("102", "涌山镇"),
                new("103", "众埠镇"),
                new("104", "接渡镇"),
                new("105", "洪岩镇"),
                new("106", "礼林镇"),
                new("107", "后港镇"),
                new("108", "塔前镇"),
                new("109", "双田镇"),
                new("110", "临港镇"),
                new("111", "高家镇"),
                new("112", "名口镇"),
                new("113", "浯口镇"),
                new("200", "鸬鹚乡"),
                new("201", "十里岗乡"),
            ],
            false
        ),
    ];

    /// <summary>
    /// <paramref name="total"/> villages spread evenly over the counties' townships (村委会,
    /// numbered from <paramref name="firstNumber"/>), each county's in its own list.
    /// </summary>
    public static IReadOnlyList<(DemoCounty County, IReadOnlyList<string> Villages)> Spread(
        IReadOnlyList<DemoCounty> counties,
        int total,
        int firstNumber
    )
    {
        var townships = counties.Sum(c => c.Townships.Count);
        var spread = new List<(DemoCounty, IReadOnlyList<string>)>();
        var index = 0;
        foreach (var county in counties)
        {
            var villages = new List<string>();
            foreach (var township in county.Townships)
            {
                // The first (total mod townships) townships take one village more.
                var count = total / townships + (index++ < total % townships ? 1 : 0);
                villages.AddRange(
                    Enumerable
                        .Range(firstNumber, count)
                        .Select(v => $"{county.Code}{township.Code}{v:000}")
                );
            }
            spread.Add((county, villages));
        }
        return spread;
    }
}
