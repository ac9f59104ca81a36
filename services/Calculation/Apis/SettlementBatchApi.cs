using Calculation.Settlement;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Time;

namespace Calculation.Apis;

public sealed record SettlementBatchRequest(
    int? Year,
    string? Step,
    IReadOnlyList<string>? Villages
);

/// <summary>One village-year of a batch: done (and the state it is now in), or refused and
/// why.</summary>
public sealed record SettlementBatchItem(
    string VillageCode,
    bool Done,
    string? StateName,
    string? Reason
);

public sealed record SettlementBatchResult(
    int Done,
    int Refused,
    IReadOnlyList<SettlementBatchItem> Items
);

/// <summary>
/// The county centre's steps on many village-years in one request (docs/design/12): approve the
/// applications, issue the payment notices, register the credits. Each village-year goes through
/// the single step's rule and transaction and is answered on its own; a village outside the
/// caller's scope refuses the whole batch with 403 before anything is read or done.
/// </summary>
public static class SettlementBatchApi
{
    private static readonly Dictionary<
        string,
        Func<
            StepRequest,
            Task<Results<Ok<SettlementStatusView>, ProblemHttpResult, ValidationProblem>>
        >
    > Steps = new()
    {
        ["approval"] = SettlementApi.Approve,
        ["payment-notice"] = SettlementApi.IssuePaymentNotice,
        ["credit"] = SettlementApi.Credit,
    };

    public static RouteGroupBuilder MapSettlementBatchApi(this RouteGroupBuilder group)
    {
        // Only the county centre takes these steps: any other role is refused before its request is
        // read.
        group.MapPost("/village-years/batch", TakeBatch).RequireRoles(Roles.CountyCentre);
        return group;
    }

    public static async Task<
        Results<Ok<SettlementBatchResult>, ValidationProblem, ProblemHttpResult>
    > TakeBatch(
        SettlementBatchRequest? request,
        HttpContext http,
        NpgsqlDataSource dataSource,
        BusinessClock clock,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        var errors = new List<(string, string)>();
        if (request?.Step is not { } code || !Steps.ContainsKey(code))
            errors.Add(
                (
                    "step",
                    "批量办理的环节须为 approval（审核通过）、payment-notice（出具缴费通知单）或 credit（登记到账）。"
                )
            );
        if (request?.Year is not (>= 2000 and <= 2100))
            errors.Add(("year", "须填写结算年度。"));
        var villages = request?.Villages ?? [];
        if (BatchSelection.WhyNot(villages, "村年度") is { } unselectable)
            errors.Add(("villages", unselectable));
        if (errors.Count > 0)
            return Problems.Invalid(errors);
        // Scope before state: the answer does not say which village is not the caller's.
        if (villages.Any(v => !DivisionCode.IsWellFormed(v) || !caller.Covers(v)))
            return Problems.Forbidden("所选村年度中有不在您管辖范围内的，整批未办理。");

        var step = Steps[request!.Step!];
        var items = new List<SettlementBatchItem>(villages.Count);
        foreach (var village in villages)
        {
            var answer = await step(
                new StepRequest(
                    village,
                    request.Year!.Value,
                    http,
                    dataSource,
                    clock,
                    cancellationToken
                )
            );
            items.Add(
                answer.Result is Ok<SettlementStatusView> ok
                    ? new(village, true, ok.Value!.StateName, null)
                    : new(village, false, null, Problems.ReasonOf(answer.Result))
            );
        }
        return TypedResults.Ok(
            new SettlementBatchResult(items.Count(i => i.Done), items.Count(i => !i.Done), items)
        );
    }
}
