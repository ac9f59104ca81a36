using Microsoft.AspNetCore.Http.HttpResults;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Auth;

namespace Document.Issuing;

/// <summary>What the reports over an area (year summary, 考核表) share: who may ask, and for which
/// divisions.</summary>
public static class AreaReports
{
    /// <summary>The officers who answer for an area; a village clerk has only a village, the
    /// auditor reads what was issued.</summary>
    public static readonly string[] Roles =
    [
        Subsidy.ServiceDefaults.Auth.Roles.TownshipOfficer,
        Subsidy.ServiceDefaults.Auth.Roles.CountyCentre,
        Subsidy.ServiceDefaults.Auth.Roles.CountyBureau,
        Subsidy.ServiceDefaults.Auth.Roles.CityBureau,
    ];

    /// <summary>Scope first, then whether the division is an area (a township, county or city) at
    /// all.</summary>
    public static ProblemHttpResult? WhyNot(
        Caller caller,
        string divisionCode,
        out DivisionLevel level
    )
    {
        level = default;
        if (!caller.Covers(divisionCode))
            return Problems.OutOfScope(caller, divisionCode);
        if (
            DivisionCode.LevelOf(divisionCode)
            is not (
                { } found
                and (DivisionLevel.Township or DivisionLevel.County or DivisionLevel.City)
            )
        )
        {
            return Problems.NotFound($"区划代码 {divisionCode} 不是乡镇、县或市。");
        }
        level = found;
        return null;
    }
}
