using Calculation.Settlement;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Auth;

namespace Calculation.Apis;

/// <summary>登记异议: the member by whole ID number or by the member key of the list, and the
/// complaint.</summary>
public sealed record ObjectionRequest(
    string? IdNumber,
    string? Complaint,
    string? MemberKey = null
);

public sealed record ResolutionRequest(decimal? Amount, string? Reason);

/// <summary>异议 during the 公示: filed against one member's result, then upheld with an adjusted
/// amount or dismissed.</summary>
public static class ObjectionsApi
{
    public static RouteGroupBuilder MapObjectionsApi(this RouteGroupBuilder group)
    {
        var objections = group.MapGroup("/village-years/{villageCode}/{year:int}/objections");
        objections.MapGet("/", List);
        objections.MapPost("/", File);
        objections.MapPost("/{objectionId:guid}/uphold", Uphold);
        objections.MapPost("/{objectionId:guid}/dismiss", Dismiss);
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<ObjectionView>>, ProblemHttpResult>> List(
        string villageCode,
        int year,
        HttpContext http,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (!caller.Covers(villageCode))
            return Problems.OutOfScope(caller, villageCode);
        return TypedResults.Ok(
            await ObjectionStore.ListAsync(dataSource, villageCode, year, cancellationToken)
        );
    }

    /// <summary>登记异议: during the notice period, against a member listed in the notified
    /// results.</summary>
    public static Task<
        Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>
    > File([AsParameters] StepRequest request, ObjectionRequest? body)
    {
        string? idNumber = null;
        return StepEndpoint.TakeAsync(
            request,
            SettlementStep.FileObjection,
            body?.Complaint?.Trim(),
            async step =>
            {
                var (named, unknown) = await MemberKeys.ResolveAsync(
                    step.Work.Connection,
                    step.Work.Transaction,
                    step.VillageCode,
                    step.Year,
                    body?.IdNumber,
                    body?.MemberKey,
                    request.CancellationToken
                );
                if (unknown is not null)
                    return unknown;
                idNumber = named!;
                var notice = await ObjectionStore.NoticeAsync(step, idNumber);
                if (
                    Refusal.Invalid(
                        ObjectionRules.WhyCannotFile(
                            step.Today,
                            notice.Start,
                            notice.End,
                            notice.Listed,
                            body?.Complaint
                        )
                    ) is
                    { } invalid
                )
                    return invalid;
                await ObjectionStore.FileAsync(
                    step,
                    notice.RunId,
                    idNumber,
                    body!.Complaint!.Trim()
                );
                return null;
            },
            member: _ => Task.FromResult(idNumber)
        );
    }

    /// <summary>采纳: the member's amount becomes the adjusted amount, within the year's cap and the
    /// scheme's budget.</summary>
    public static Task<
        Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>
    > Uphold([AsParameters] StepRequest request, Guid objectionId, ResolutionRequest? body) =>
        StepEndpoint.TakeAsync(
            request,
            SettlementStep.ResolveObjection,
            body?.Reason?.Trim(),
            async step =>
            {
                if (await OpenObjectionAsync(step, objectionId) is { } refusal)
                    return refusal;
                var basis = await ObjectionStore.UpholdBasisAsync(step, objectionId);
                if (
                    Refusal.Invalid(
                        ObjectionRules.WhyCannotUphold(
                            body?.Amount,
                            body?.Reason,
                            basis.Cap,
                            basis.Budget,
                            basis.Total,
                            basis.CurrentAmount
                        )
                    ) is
                    { } invalid
                )
                    return invalid;
                await ObjectionStore.UpholdAsync(
                    step,
                    objectionId,
                    basis,
                    body!.Amount!.Value,
                    body.Reason!.Trim()
                );
                return null;
            },
            member: work => ObjectionStore.MemberAsync(work, objectionId, request.CancellationToken)
        );

    /// <summary>不予采纳, with the reason.</summary>
    public static Task<
        Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>
    > Dismiss([AsParameters] StepRequest request, Guid objectionId, ResolutionRequest? body) =>
        StepEndpoint.TakeAsync(
            request,
            SettlementStep.ResolveObjection,
            body?.Reason?.Trim(),
            async step =>
            {
                if (await OpenObjectionAsync(step, objectionId) is { } refusal)
                    return refusal;
                if (Refusal.Invalid(ObjectionRules.WhyCannotDismiss(body?.Reason)) is { } invalid)
                    return invalid;
                await ObjectionStore.DismissAsync(step, objectionId, body!.Reason!.Trim());
                return null;
            },
            member: work => ObjectionStore.MemberAsync(work, objectionId, request.CancellationToken)
        );

    private static async Task<Refusal?> OpenObjectionAsync(StepContext step, Guid objectionId)
    {
        var state = await ObjectionStore.StateForUpdateAsync(step, objectionId);
        if (state is null)
            return Refusal.NotFound(
                $"村 {step.VillageCode} {step.Year} 年度没有编号为 {objectionId} 的异议。"
            );
        return ObjectionRules.WhyNotOpen(state) is { } why ? Refusal.Conflict(why) : null;
    }
}
