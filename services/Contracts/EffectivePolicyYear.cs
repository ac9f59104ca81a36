namespace Subsidy.Contracts;

/// <summary>
/// Which policy year applies to a division (docs/design/01-purpose-and-reference-data.md): its
/// county's override when the county set one for the year, else its province's default. Every
/// service that keeps policy years picks with this, from the candidates of
/// <see cref="RegionsOf"/>.
/// </summary>
public static class EffectivePolicyYear
{
    /// <summary>The two regions whose parameters may apply to a division: its county and its
    /// province.</summary>
    public static (string County, string Province) RegionsOf(string divisionCode) =>
        (divisionCode[..6] + "000000", divisionCode[..2] + "0000000000");

    /// <summary>The county's candidate when there is one, else the province's; null when neither is
    /// known.</summary>
    public static T? Pick<T>(
        IEnumerable<T> candidates,
        Func<T, string> regionOf,
        string divisionCode
    )
        where T : class
    {
        var (county, province) = RegionsOf(divisionCode);
        T? provincial = null;
        foreach (var candidate in candidates)
        {
            var region = regionOf(candidate);
            if (region == county)
                return candidate;
            if (region == province)
                provincial = candidate;
        }
        return provincial;
    }
}
