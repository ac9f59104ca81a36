using Calculation.Reports;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Auth;

namespace Calculation.Apis;

public sealed record VillageYearListItem(
    string VillageCode,
    string? VillageName,
    int Year,
    string State,
    string StateName,
    bool Stale,
    int Members,
    int Eligible,
    decimal Amount,
    int OpenObjections,
    DateOnly? NoticeEnd,
    string? RejectionReason
);

public sealed record VillageYearPage(
    int Total,
    int Page,
    int PageSize,
    IReadOnlyList<VillageYearListItem> Items
);

/// <summary>
/// An area's village-years a page at a time: of one year, under a division (default the caller's
/// scope), in a state, by name or code, with open objections.
/// </summary>
public sealed record VillageYearListQuery(
    [property: FromQuery(Name = "year")] int? Year,
    [property: FromQuery(Name = "division")] string? Division,
    [property: FromQuery(Name = "state")] string? State,
    [property: FromQuery(Name = "q")] string? Q,
    [property: FromQuery(Name = "openObjections")] bool? OpenObjections,
    [property: FromQuery(Name = "page")] int? Page,
    [property: FromQuery(Name = "pageSize")] int? PageSize
);

/// <summary>
/// The village-years of an area, one page at a time: what the portal's lists of a township's or a
/// county's villages (and its to-do list: applications to approve, notices to issue, objections to
/// decide) are made of.
/// </summary>
public static class VillageYearListApi
{
    public const int MaxPageSize = 200;

    public static RouteGroupBuilder MapVillageYearListApi(this RouteGroupBuilder group)
    {
        group.MapGet("/village-years", List);
        return group;
    }

    public static async Task<
        Results<Ok<VillageYearPage>, ValidationProblem, ProblemHttpResult>
    > List(
        [AsParameters] VillageYearListQuery query,
        HttpContext http,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        var (year, division, state, q, openObjections, page, pageSize) = query;
        if (year is not (>= 2000 and <= 2100))
            return Problems.Invalid([("year", "须指定4位年度。")]);
        var caller = http.GetCaller();
        var prefix = division ?? caller.Scope;
        if (!caller.Covers(prefix))
            return Problems.OutOfScope(caller, prefix);
        var size = Math.Clamp(pageSize ?? 50, 1, MaxPageSize);
        var number = Math.Max(page ?? 1, 1);
        var filter = new VillageYearListFilter(
            year.Value,
            prefix,
            string.IsNullOrWhiteSpace(state) ? null : state.Trim(),
            string.IsNullOrWhiteSpace(q) ? null : q.Trim(),
            openObjections
        );
        var (total, rows) = await VillageYearListQueries.PageAsync(
            dataSource,
            filter,
            size,
            (number - 1) * size,
            cancellationToken
        );
        var items = rows.Select(r => new VillageYearListItem(
                r.VillageCode,
                r.VillageName,
                r.Year,
                r.State,
                SettlementStateNames.ChineseName(r.State),
                r.Stale,
                r.Members,
                r.Eligible,
                r.Amount,
                r.OpenObjections,
                r.NoticeEnd,
                r.RejectionReason
            ))
            .ToList();
        return TypedResults.Ok(new VillageYearPage(total, number, size, items));
    }
}
