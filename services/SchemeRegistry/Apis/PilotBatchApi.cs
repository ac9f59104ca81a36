using Microsoft.AspNetCore.Http.HttpResults;
using SchemeRegistry.Pilots;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Auth;

namespace SchemeRegistry.Apis;

public sealed record PilotBatchRequest(
    string? Action,
    IReadOnlyList<string>? Villages,
    string? Reason,
    DateOnly? EffectiveDate
);

/// <summary>One village's pilot of a batch: done (and its status now), or refused and why.</summary>
public sealed record PilotBatchItem(
    string VillageCode,
    bool Done,
    string? StatusName,
    string? Reason
);

public sealed record PilotBatchResult(int Done, int Refused, IReadOnlyList<PilotBatchItem> Items);

/// <summary>
/// Many pilot decisions in one request (docs/design/12): a county bureau approves, rejects or
/// suspends the pilots of many villages at once, with one reason and date for all. Each pilot goes
/// through the same rule and transaction as a single decision and is answered on its own; a
/// village outside the caller's scope, or one that never applied, refuses the whole batch with 403
/// before anything is read or done, and says no more.
/// </summary>
public static class PilotBatchApi
{
    private static readonly Dictionary<string, PilotAction> Actions = new()
    {
        ["approve"] = PilotAction.Approve,
        ["reject"] = PilotAction.Reject,
        ["suspend"] = PilotAction.Suspend,
    };

    public static RouteGroupBuilder MapPilotBatchApi(this RouteGroupBuilder group)
    {
        // Only the county bureau decides on pilots: any other role is refused before its request
        // is read.
        group.MapPost("/batch", DecideBatch).RequireRoles(Roles.CountyBureau);
        return group;
    }

    public static async Task<
        Results<Ok<PilotBatchResult>, ValidationProblem, ProblemHttpResult>
    > DecideBatch(
        PilotBatchRequest? request,
        PilotStore store,
        [AsParameters] RegistryCommand command
    )
    {
        var caller = command.Http.GetCaller();
        if (request?.Action is not { } code || !Actions.TryGetValue(code, out var action))
        {
            return Problems.Invalid([
                (
                    "action",
                    "批量办理的操作须为 approve（批准试点）、reject（驳回申请）或 suspend（暂停试点）。"
                ),
            ]);
        }
        var villages = request.Villages ?? [];
        var decision = new PilotDecisionRequest(request.Reason, request.EffectiveDate);
        var errors = new List<(string, string)>();
        if (BatchSelection.WhyNot(villages, "村") is { } unselectable)
            errors.Add(("villages", unselectable));
        else if (!villages.All(DivisionCode.IsWellFormed))
            errors.Add(("villages", "村(居)区划代码须为12位数字。"));
        errors.AddRange(PilotsApi.DecisionErrors(action, decision));
        if (errors.Count > 0)
            return Problems.Invalid(errors);

        // Scope before state: one village that is not the caller's, or has no pilot, stops the
        // batch, and the answer does not say which, so a batch cannot probe other counties.
        if (
            villages.Any(v => !caller.Covers(v))
            || (await store.KnownAsync(villages, command.CancellationToken)).Count != villages.Count
        )
            return Problems.Forbidden("所选村中有不在您管辖范围内或未申请试点的村，整批未办理。");

        var items = new List<PilotBatchItem>(villages.Count);
        foreach (var village in villages)
        {
            var answer = await PilotsApi.DecidePilot(village, action, decision, command);
            items.Add(
                answer.Result is Ok<Pilot> ok
                    ? new(village, true, PilotWorkflow.StatusName(ok.Value!.Status), null)
                    : new(village, false, null, Problems.ReasonOf(answer.Result))
            );
        }
        return TypedResults.Ok(
            new PilotBatchResult(items.Count(i => i.Done), items.Count(i => !i.Done), items)
        );
    }
}
