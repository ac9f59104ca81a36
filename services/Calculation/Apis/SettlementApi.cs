using Calculation.Inputs;
using Calculation.Settlement;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Time;

namespace Calculation.Apis;

public sealed record ReasonRequest(string? Reason);

public sealed record PaymentRequest(string? ReceiptNumber, decimal? Amount, DateTimeOffset? PaidAt);

/// <summary>The steps of docs/design/05-settlement.md after calculation, each for its role; every
/// one audited and published.</summary>
public static class SettlementApi
{
    public static RouteGroupBuilder MapSettlementApi(this RouteGroupBuilder group)
    {
        var village = group.MapGroup("/village-years/{villageCode}/{year:int}");
        village.MapPost("/confirm", Confirm);
        village.MapPost("/notice", PublishNotice);
        village.MapPost("/notice/close", CloseNotice);
        village.MapPost("/application", SubmitApplication);
        village.MapPost("/approval", Approve);
        village.MapPost("/rejection", Reject);
        village.MapPost("/payment-notice", IssuePaymentNotice);
        village.MapPost("/payment", RecordPayment);
        village.MapPost("/credit", Credit);
        village.MapPost("/recalculation", Recalculate);
        return group;
    }

    private static readonly Func<StepContext, Task<Refusal?>> NothingMore = _ =>
        Task.FromResult<Refusal?>(null);

    /// <summary>村确认: the village accepts its latest results; from now on a changed input marks them
    /// stale instead of recalculating.</summary>
    public static Task<
        Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>
    > Confirm([AsParameters] StepRequest request) =>
        StepEndpoint.TakeAsync(request, SettlementStep.Confirm, null, NothingMore);

    /// <summary>公示: the notice starts today and runs for the policy year's notice length.</summary>
    public static Task<
        Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>
    > PublishNotice([AsParameters] StepRequest request) =>
        StepEndpoint.TakeAsync(request, SettlementStep.PublishNotice, null, async step =>
        {
            var days = (
                await PolicyYearRow.EffectiveAsync(
                    step.Work.Connection,
                    step.Work.Transaction,
                    step.VillageCode,
                    step.Year,
                    step.CancellationToken
                )
            )?.NoticeDays;
            if (days is null)
                return Refusal.Conflict($"{step.Year} 年度政策参数未知，无法确定公示天数。");
            await SettlementStore.StartNoticeAsync(step, NoticePeriod.End(step.Today, days.Value));
            return null;
        });

    /// <summary>结束公示: only after the period is over and with every objection resolved.</summary>
    public static Task<
        Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>
    > CloseNotice([AsParameters] StepRequest request) =>
        StepEndpoint.TakeAsync(request, SettlementStep.CloseNotice, null, async step =>
        {
            var (end, open) = await SettlementStore.NoticeStandingAsync(step);
            return NoticePeriod.WhyStillOpen(end, step.Today, open) is { } why
                ? Refusal.Conflict(why)
                : null;
        });

    /// <summary>提交申报表 (stamped by the collective): the village applies to the county
    /// centre.</summary>
    public static Task<
        Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>
    > SubmitApplication([AsParameters] StepRequest request) =>
        StepEndpoint.TakeAsync(request, SettlementStep.SubmitApplication, null, async step =>
        {
            await SettlementStore.SetRejectionAsync(step, null);
            return null;
        });

    /// <summary>县社保中心审核通过.</summary>
    public static Task<
        Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>
    > Approve([AsParameters] StepRequest request) =>
        StepEndpoint.TakeAsync(request, SettlementStep.Approve, null, NothingMore);

    /// <summary>退回申报: back to the village, with the reason, to correct and submit again.</summary>
    public static Task<
        Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>
    > Reject([AsParameters] StepRequest request, ReasonRequest? body) =>
        StepEndpoint.TakeAsync(request, SettlementStep.Reject, body?.Reason?.Trim(), async step =>
        {
            if (string.IsNullOrWhiteSpace(body?.Reason))
                return Refusal.Invalid([("reason", "退回申报须填写理由。")]);
            await SettlementStore.SetRejectionAsync(step, body.Reason.Trim());
            return null;
        });

    /// <summary>缴费通知单: numbered per county and year, for the village's total; the tax bureau is
    /// asked to collect it.</summary>
    public static Task<
        Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>
    > IssuePaymentNotice([AsParameters] StepRequest request) =>
        StepEndpoint.TakeAsync(
            request,
            SettlementStep.IssuePaymentNotice,
            null,
            PaymentNotices.IssueAsync
        );

    /// <summary>已缴费: the tax bureau's receipt matches the notice.</summary>
    public static Task<
        Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>
    > RecordPayment([AsParameters] StepRequest request, PaymentRequest? body) =>
        StepEndpoint.TakeAsync(request, SettlementStep.RecordPayment, body?.ReceiptNumber, step =>
            PaymentNotices.RecordReceiptAsync(
                step,
                body?.ReceiptNumber?.Trim(),
                body?.Amount,
                body?.PaidAt ?? step.At
            )
        );

    /// <summary>已到账: the subsidy is written back to the members' accounts as 集体补助
    /// records.</summary>
    public static Task<
        Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>
    > Credit([AsParameters] StepRequest request) =>
        StepEndpoint.TakeAsync(request, SettlementStep.Credit, null, async step =>
        {
            await SettlementStore.MarkCreditedAsync(step);
            return null;
        });

    /// <summary>重新测算: a result made stale by changed inputs is calculated again, and the settlement
    /// starts over from it.</summary>
    public static Task<
        Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>
    > Recalculate([AsParameters] StepRequest request, ReasonRequest? body) =>
        StepEndpoint.TakeAsync(
            request,
            SettlementStep.Recalculate,
            body?.Reason?.Trim(),
            async step =>
            {
                await SettlementStore.StartOverAsync(step);
                return null;
            },
            // The mark before the village-year's lock, in the calculator's order (a refused step
            // rolls it back).
            beforeLock: work =>
                Pending.MarkAsync(
                    work,
                    request.VillageCode,
                    request.Year,
                    request.CancellationToken
                )
        );
}
