using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using SchemeRegistry.Divisions;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Auth;

namespace SchemeRegistry.Apis;

public sealed record CreateDivisionRequest(string? Code, string? Name);

public sealed record UpdateDivisionRequest(string? Name, bool? Active, string? Reason);

public static class DivisionsApi
{
    public static RouteGroupBuilder MapDivisionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/registry/divisions").RequireAuthorization().WithTags("区划");
        group.MapGet("/", ListDivisions);
        group.MapGet("/{code}", GetDivision);
        group.MapPost("/", CreateDivision);
        group.MapPut("/{code}", UpdateDivision);
        return group;
    }

    /// <summary>Divisions are reference data: any signed-in user may read them.</summary>
    public static async Task<Ok<IReadOnlyList<Division>>> ListDivisions(
        string? parent,
        DivisionLevel? level,
        DivisionStore store,
        CancellationToken cancellationToken
    ) => TypedResults.Ok(await store.ListAsync(parent, level, cancellationToken));

    public static async Task<Results<Ok<Division>, ProblemHttpResult>> GetDivision(
        string code,
        DivisionStore store,
        CancellationToken cancellationToken
    ) =>
        await store.FindAsync(code, cancellationToken) is { } division
            ? TypedResults.Ok(division)
            : Problems.NotFound($"区划 {code} 不存在。");

    public static async Task<
        Results<Created<Division>, ValidationProblem, ProblemHttpResult>
    > CreateDivision(
        CreateDivisionRequest request,
        HttpContext http,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        // Who may maintain divisions at all, before anything about the request; then what it says;
        // then where.
        var caller = http.GetCaller();
        if (DivisionRules.WhyCannotMaintainAny(caller) is { } role)
            return Problems.Forbidden(role);
        var errors = DivisionRules.ValidateNew(request.Code, request.Name);
        if (errors.Count > 0)
            return Problems.Invalid(errors);
        var code = request.Code!;
        if (DivisionRules.WhyCannotMaintain(caller, code) is { } refusal)
            return Problems.Forbidden(refusal);

        await using var work = await UnitOfWork.BeginAsync(dataSource, cancellationToken);
        var parentCode = DivisionCode.ParentOf(code)!;
        var parent = await DivisionStore.FindForUpdateAsync(work, parentCode, cancellationToken);
        if (parent is null)
            return Problems.Invalid([
                ("code", $"上级区划 {parentCode} 不存在，请先建立上级区划。"),
            ]);
        if (!parent.Active)
            return Problems.Invalid([("code", $"上级区划 {parent.Name}（{parentCode}）已停用。")]);

        var created = await DivisionStore.InsertAsync(
            work,
            caller,
            code,
            request.Name!,
            cancellationToken
        );
        if (created is null)
            return Problems.Conflict($"区划代码 {code} 已存在。");
        await work.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/registry/divisions/{code}", created);
    }

    public static async Task<
        Results<Ok<Division>, ValidationProblem, ProblemHttpResult>
    > UpdateDivision(
        string code,
        UpdateDivisionRequest request,
        HttpContext http,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (DivisionRules.WhyCannotMaintain(caller, code) is { } refusal)
            return Problems.Forbidden(refusal);

        await using var work = await UnitOfWork.BeginAsync(dataSource, cancellationToken);
        var current = await DivisionStore.FindForUpdateAsync(work, code, cancellationToken);
        if (current is null)
            return Problems.NotFound($"区划 {code} 不存在。");
        var name = request.Name ?? current.Name;
        var errors = DivisionRules.ValidateName(name).ToList();
        if (errors.Count > 0)
            return Problems.Invalid(errors);

        var updated = await DivisionStore.UpdateAsync(
            work,
            caller,
            current,
            name,
            request.Active ?? current.Active,
            request.Reason,
            cancellationToken
        );
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(updated);
    }
}
