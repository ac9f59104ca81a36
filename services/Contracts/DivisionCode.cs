namespace Subsidy.Contracts;

/// <summary>
/// The 12-digit statistical division code (docs/design/01-purpose-and-reference-data.md): province
/// 2 + city 2 + county 2 + township 3 + village 3. Pure rules, shared because every service reads
/// codes in messages and files.
/// </summary>
public static class DivisionCode
{
    public const int Length = 12;

    public static bool IsWellFormed(string? code) =>
        code is { Length: Length } && code.All(char.IsAsciiDigit);

    /// <summary>Level of a well-formed code, or null when it names no level (e.g.
    /// "360000000001").</summary>
    public static DivisionLevel? LevelOf(string code)
    {
        if (!IsWellFormed(code))
            return null;
        var province = code[..2];
        var city = code[2..4];
        var county = code[4..6];
        var township = code[6..9];
        var village = code[9..12];
        if (province == "00")
            return null;
        if (village != "000")
            return township == "000" ? null : DivisionLevel.Village;
        if (township != "000")
            return county == "00" ? null : DivisionLevel.Township;
        if (county != "00")
            return city == "00" ? null : DivisionLevel.County;
        if (city != "00")
            return DivisionLevel.City;
        return DivisionLevel.Province;
    }

    /// <summary>The code of the division directly above, or null for a province.</summary>
    public static string? ParentOf(string code) =>
        LevelOf(code) switch
        {
            DivisionLevel.Village => code[..9] + "000",
            DivisionLevel.Township => code[..6] + "000000",
            DivisionLevel.County => code[..4] + "00000000",
            DivisionLevel.City => code[..2] + "0000000000",
            _ => null,
        };

    /// <summary>The prefix that every code inside this division starts with; used as an access
    /// scope.</summary>
    public static string ScopePrefix(string code) =>
        LevelOf(code) switch
        {
            DivisionLevel.Village => code,
            DivisionLevel.Township => code[..9],
            DivisionLevel.County => code[..6],
            DivisionLevel.City => code[..4],
            DivisionLevel.Province => code[..2],
            _ => code,
        };

    /// <summary>How many leading digits name a division one level below this one (a city's
    /// counties, a county's townships, a township's villages).</summary>
    public static int ChildPrefixLength(DivisionLevel level) =>
        level switch
        {
            DivisionLevel.Province => 4,
            DivisionLevel.City => 6,
            DivisionLevel.County => 9,
            _ => 12,
        };

    /// <summary>Village segment 001–199 is a residents' committee (居委会), 200 and above a villagers'
    /// committee (村委会).</summary>
    public static bool IsResidentsCommittee(string villageCode) =>
        LevelOf(villageCode) == DivisionLevel.Village && int.Parse(villageCode.AsSpan(9, 3)) < 200;

    /// <summary>Township segment 1xx is a town (镇), 2xx a township (乡).</summary>
    public static bool IsTown(string townshipCode) =>
        townshipCode.Length >= 9 && townshipCode[6] == '1';
}
