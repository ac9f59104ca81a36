using Calculation.Inputs;
using Calculation.Settlement;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Data;
using Subsidy.ServiceDefaults.Time;

namespace Calculation.Apis;

public sealed record ReasonRequest(string? Reason);

public sealed record PaymentRequest(string? ReceiptNumber, decimal? Amount, DateTimeOffset? PaidAt);

/// <summary>The steps of DESIGN §6 after calculation, each for its role; every one audited and published.</summary>
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

    /// <summary>村确认: the village accepts its latest results; from now on a changed input marks them stale instead of recalculating.</summary>
    public static Task<Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>> Confirm(
        string villageCode, int year, HttpContext http, NpgsqlDataSource dataSource, BusinessClock clock, CancellationToken cancellationToken) =>
        StepAsync(villageCode, year, SettlementStep.Confirm, null, http, dataSource, clock, _ => Task.FromResult<Refusal?>(null), cancellationToken);

    /// <summary>公示: the notice starts today and runs for the policy year's notice length.</summary>
    public static Task<Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>> PublishNotice(
        string villageCode, int year, HttpContext http, NpgsqlDataSource dataSource, BusinessClock clock, CancellationToken cancellationToken) =>
        StepAsync(villageCode, year, SettlementStep.PublishNotice, null, http, dataSource, clock, async step =>
        {
            var days = (await PolicyYearRow.EffectiveAsync(step.Work.Connection, step.Work.Transaction, villageCode, year, cancellationToken))?.NoticeDays;
            if (days is null) return Refusal.Conflict($"{year} 年度政策参数未知，无法确定公示天数。");
            await step.ExecuteAsync("UPDATE village_years SET notice_start = @Today, notice_end = @end WHERE village_code = @villageCode AND year = @year",
                new { step.Today, end = NoticePeriod.End(step.Today, days.Value), villageCode, year });
            return null;
        }, cancellationToken);

    /// <summary>结束公示: only after the period is over and with every objection resolved.</summary>
    public static Task<Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>> CloseNotice(
        string villageCode, int year, HttpContext http, NpgsqlDataSource dataSource, BusinessClock clock, CancellationToken cancellationToken) =>
        StepAsync(villageCode, year, SettlementStep.CloseNotice, null, http, dataSource, clock, async step =>
        {
            var end = await step.ScalarAsync<DateOnly>("SELECT notice_end FROM village_years WHERE village_code = @villageCode AND year = @year", new { villageCode, year });
            var open = await step.ScalarAsync<int>("SELECT count(*)::int FROM objections WHERE village_code = @villageCode AND year = @year AND state = 'open'", new { villageCode, year });
            return NoticePeriod.WhyStillOpen(end, step.Today, open) is { } why ? Refusal.Conflict(why) : null;
        }, cancellationToken);

    /// <summary>提交申报表 (stamped by the collective): the village applies to the county centre.</summary>
    public static Task<Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>> SubmitApplication(
        string villageCode, int year, HttpContext http, NpgsqlDataSource dataSource, BusinessClock clock, CancellationToken cancellationToken) =>
        StepAsync(villageCode, year, SettlementStep.SubmitApplication, null, http, dataSource, clock, async step =>
        {
            await step.ExecuteAsync("UPDATE village_years SET rejection_reason = NULL WHERE village_code = @villageCode AND year = @year", new { villageCode, year });
            return null;
        }, cancellationToken);

    /// <summary>县社保中心审核通过.</summary>
    public static Task<Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>> Approve(
        string villageCode, int year, HttpContext http, NpgsqlDataSource dataSource, BusinessClock clock, CancellationToken cancellationToken) =>
        StepAsync(villageCode, year, SettlementStep.Approve, null, http, dataSource, clock, _ => Task.FromResult<Refusal?>(null), cancellationToken);

    /// <summary>退回申报: back to the village, with the reason, to correct and submit again.</summary>
    public static Task<Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>> Reject(
        string villageCode, int year, ReasonRequest? body, HttpContext http, NpgsqlDataSource dataSource, BusinessClock clock, CancellationToken cancellationToken) =>
        StepAsync(villageCode, year, SettlementStep.Reject, body?.Reason?.Trim(), http, dataSource, clock, async step =>
        {
            if (string.IsNullOrWhiteSpace(body?.Reason)) return Refusal.Invalid([("reason", "退回申报须填写理由。")]);
            await step.ExecuteAsync("UPDATE village_years SET rejection_reason = @reason WHERE village_code = @villageCode AND year = @year",
                new { reason = body.Reason.Trim(), villageCode, year });
            return null;
        }, cancellationToken);

    /// <summary>缴费通知单: numbered per county and year, for the village's total; the tax bureau is asked to collect it.</summary>
    public static Task<Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>> IssuePaymentNotice(
        string villageCode, int year, HttpContext http, NpgsqlDataSource dataSource, BusinessClock clock, CancellationToken cancellationToken) =>
        StepAsync(villageCode, year, SettlementStep.IssuePaymentNotice, null, http, dataSource, clock, step => PaymentNotices.IssueAsync(step), cancellationToken);

    /// <summary>已缴费: the tax bureau's receipt matches the notice.</summary>
    public static Task<Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>> RecordPayment(
        string villageCode, int year, PaymentRequest? body, HttpContext http, NpgsqlDataSource dataSource, BusinessClock clock, CancellationToken cancellationToken) =>
        StepAsync(villageCode, year, SettlementStep.RecordPayment, body?.ReceiptNumber, http, dataSource, clock,
            step => PaymentNotices.RecordReceiptAsync(step, body?.ReceiptNumber?.Trim(), body?.Amount, body?.PaidAt ?? step.At), cancellationToken);

    /// <summary>已到账: the subsidy is written back to the members' accounts as 集体补助 records.</summary>
    public static Task<Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>> Credit(
        string villageCode, int year, HttpContext http, NpgsqlDataSource dataSource, BusinessClock clock, CancellationToken cancellationToken) =>
        StepAsync(villageCode, year, SettlementStep.Credit, null, http, dataSource, clock, async step =>
        {
            await step.ExecuteAsync("UPDATE payment_notices SET credited_on = @Today WHERE village_code = @villageCode AND year = @year", new { step.Today, villageCode, year });
            return null;
        }, cancellationToken);

    /// <summary>重新测算: a result made stale by changed inputs is calculated again, and the settlement starts over from it.</summary>
    public static Task<Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>> Recalculate(
        string villageCode, int year, ReasonRequest? body, HttpContext http, NpgsqlDataSource dataSource, BusinessClock clock, CancellationToken cancellationToken) =>
        StepAsync(villageCode, year, SettlementStep.Recalculate, body?.Reason?.Trim(), http, dataSource, clock, async step =>
        {
            await step.ExecuteAsync("""
                UPDATE objections SET state = 'void', resolution = '重新测算，原测算结果作废', resolved_at = now()
                WHERE village_code = @villageCode AND year = @year AND state = 'open';
                UPDATE village_years SET notice_start = NULL, notice_end = NULL, rejection_reason = NULL WHERE village_code = @villageCode AND year = @year;
                """, new { villageCode, year });
            return null;
        }, cancellationToken,
        // The mark before the village-year's lock, in the calculator's order (a refused step rolls it back).
        beforeLock: work => Pending.MarkAsync(work, villageCode, year, cancellationToken));

    internal static async Task<Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>> StepAsync(string villageCode, int year, SettlementStep action, string? reason,
        HttpContext http, NpgsqlDataSource dataSource, BusinessClock clock, Func<StepContext, Task<Refusal?>> effect, CancellationToken cancellationToken,
        Func<UnitOfWork, Task<string?>>? member = null, Func<UnitOfWork, Task>? beforeLock = null)
    {
        var caller = http.GetCaller();
        if (!DivisionCode.IsWellFormed(villageCode)) return Problems.NotFound($"区划代码 {villageCode} 无效。");
        await using var work = await UnitOfWork.BeginAsync(dataSource, cancellationToken);
        if (beforeLock is not null) await beforeLock(work);
        var (refusal, standing) = await SettlementSteps.TakeAsync(work, villageCode, year, action, caller, clock.Now, reason, effect, cancellationToken);
        if (refusal is not null) return ToProblem(refusal);
        // The answer is what the step read for its event, in its own transaction; a step about one member adds that member's result.
        var status = await CalculationApi.StatusAsync(work, villageCode, year, standing!, member is null ? null : await member(work), cancellationToken);
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(status);
    }

    internal static Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem> ToProblem(Refusal refusal) => refusal.StatusCode switch
    {
        400 => Problems.Invalid(refusal.Errors),
        403 => Problems.Forbidden(refusal.Message!),
        404 => Problems.NotFound(refusal.Message!),
        _ => Problems.Conflict(refusal.Message!),
    };
}
