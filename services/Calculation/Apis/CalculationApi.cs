using Subsidy.ServiceDefaults.Divisions;

namespace Calculation.Apis;

public static class CalculationApi
{
    public static RouteGroupBuilder MapCalculationApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/calculation").RequireAuthorization();
        group.MapKnownDivisions();
        return group;
    }
}
