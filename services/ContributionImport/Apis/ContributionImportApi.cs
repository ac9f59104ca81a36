using Subsidy.ServiceDefaults.Divisions;

namespace ContributionImport.Apis;

public static class ContributionImportApi
{
    public static RouteGroupBuilder MapContributionImportApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/imports").RequireAuthorization();
        group.MapKnownDivisions();
        return group;
    }
}
