using Calculation.Apis;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Time;

namespace Calculation.Settlement;

/// <summary>What every step's endpoint is given: the village-year from the route, the caller, the
/// database and the clock.</summary>
public sealed record StepRequest(
    [property: FromRoute(Name = "villageCode")] string VillageCode,
    [property: FromRoute(Name = "year")] int Year,
    HttpContext Http,
    NpgsqlDataSource DataSource,
    BusinessClock Clock,
    CancellationToken CancellationToken
);

/// <summary>A settlement step as an endpoint takes it: one transaction, the step, and the
/// village-year as it then stands, or the refusal.</summary>
public static class StepEndpoint
{
    public static async Task<
        Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>
    > TakeAsync(
        StepRequest request,
        SettlementStep action,
        string? reason,
        Func<StepContext, Task<Refusal?>> effect,
        Func<UnitOfWork, Task<string?>>? member = null,
        Func<UnitOfWork, Task>? beforeLock = null
    )
    {
        var (villageCode, year, cancellationToken) = (
            request.VillageCode,
            request.Year,
            request.CancellationToken
        );
        var caller = request.Http.GetCaller();
        if (!DivisionCode.IsWellFormed(villageCode))
            return Problems.NotFound($"区划代码 {villageCode} 无效。");
        await using var work = await UnitOfWork.BeginAsync(request.DataSource, cancellationToken);
        if (beforeLock is not null)
            await beforeLock(work);
        var (refusal, standing) = await SettlementSteps.TakeAsync(
            work,
            villageCode,
            year,
            action,
            caller,
            request.Clock.Now,
            reason,
            effect,
            cancellationToken
        );
        if (refusal is not null)
            return ToProblem(refusal);
        // The answer is what the step read for its event, in its own transaction; a step about one
        // member adds that member's result.
        var status = await SettlementStatus.StatusAsync(
            work,
            villageCode,
            year,
            standing!,
            member is null ? null : await member(work),
            cancellationToken
        );
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(status);
    }

    public static Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem> ToProblem(
        Refusal refusal
    ) =>
        refusal.StatusCode switch
        {
            400 => Problems.Invalid(refusal.Errors),
            403 => Problems.Forbidden(refusal.Message!),
            404 => Problems.NotFound(refusal.Message!),
            _ => Problems.Conflict(refusal.Message!),
        };
}
