using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using SchemeRegistry.PolicyYears;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Auth;

namespace SchemeRegistry.Apis;

public sealed record PolicyYearView(
    string RegionCode,
    int Year,
    decimal[] Tiers,
    decimal SpecialTier,
    decimal Cap,
    DateOnly ContributionDeadline,
    DateOnly ExportDeadline,
    int NoticeDays,
    long Version
)
{
    public static PolicyYearView From(PolicyYear p) =>
        new(
            p.RegionCode,
            p.Year,
            p.Tiers,
            p.SpecialTier,
            p.Cap,
            p.ContributionDeadline,
            p.ExportDeadline,
            p.NoticeDays,
            p.Version
        );
}

public static class PolicyYearsApi
{
    public static RouteGroupBuilder MapPolicyYearsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/registry/policy-years")
            .RequireAuthorization()
            .WithTags("年度政策参数");
        group.MapGet("/", ListPolicyYears);
        group.MapGet("/{year:int}/effective/{divisionCode}", GetEffectivePolicyYear);
        group.MapPut("/{regionCode}/{year:int}", SavePolicyYear).RequireRoles(Roles.CountyBureau);
        return group;
    }

    public static async Task<Ok<List<PolicyYearView>>> ListPolicyYears(
        int? year,
        PolicyYearStore store,
        CancellationToken cancellationToken
    ) =>
        TypedResults.Ok(
            (await store.ListAsync(year, cancellationToken)).Select(PolicyYearView.From).ToList()
        );

    /// <summary>The parameters that apply to a division: its county's override, else the province
    /// default.</summary>
    public static async Task<Results<Ok<PolicyYearView>, ProblemHttpResult>> GetEffectivePolicyYear(
        int year,
        string divisionCode,
        PolicyYearStore store,
        CancellationToken cancellationToken
    )
    {
        if (!DivisionCode.IsWellFormed(divisionCode))
            return Problems.NotFound($"区划代码 {divisionCode} 无效。");
        return await store.EffectiveAsync(divisionCode, year, cancellationToken) is { } policy
            ? TypedResults.Ok(PolicyYearView.From(policy))
            : Problems.NotFound($"{year} 年度政策参数尚未设置。");
    }

    /// <summary>A county bureau sets its county's override (or, with a province scope, the province
    /// default).</summary>
    public static async Task<
        Results<Ok<PolicyYearView>, ValidationProblem, ProblemHttpResult>
    > SavePolicyYear(
        string regionCode,
        int year,
        PolicyYearInput input,
        HttpContext http,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        var complete = PolicyYearRules.WithDefaults(input, year);
        var errors = PolicyYearRules.Validate(regionCode, year, complete);
        if (errors.Count > 0)
            return Problems.Invalid(errors);
        if (!caller.Covers(regionCode[..DivisionCode.ScopePrefix(regionCode).Length]))
            return Problems.OutOfScope(caller, regionCode);

        await using var work = await UnitOfWork.BeginAsync(dataSource, cancellationToken);
        var saved = await PolicyYearStore.SaveAsync(
            work,
            caller,
            regionCode,
            year,
            complete,
            cancellationToken
        );
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(PolicyYearView.From(saved));
    }
}
