namespace Subsidy.ServiceDefaults.Auth;

/// <summary>The actors of docs/design/08-access-and-roles.md. Values travel in the token's "role"
/// claim.</summary>
public static class Roles
{
    public const string VillageClerk = "village-clerk";
    public const string TownshipOfficer = "township-officer";
    public const string CountyCentre = "county-centre";
    public const string CountyBureau = "county-bureau";
    public const string CityBureau = "city-bureau";
    public const string Auditor = "auditor";

    /// <summary>运维: the city's operator, who watches every service instance and queue and returns
    /// or discards messages that failed every retry (docs/operations/runbook.md).</summary>
    public const string Operator = "operator";

    public static readonly IReadOnlyList<string> All =
    [
        VillageClerk,
        TownshipOfficer,
        CountyCentre,
        CountyBureau,
        CityBureau,
        Auditor,
        Operator,
    ];

    public static string DisplayName(string role) =>
        role switch
        {
            VillageClerk => "村级经办",
            TownshipOfficer => "乡镇社保所",
            CountyCentre => "县社保中心",
            CountyBureau => "县人社局",
            CityBureau => "市人社局",
            Auditor => "审计人员",
            Operator => "运维人员",
            _ => role,
        };
}
