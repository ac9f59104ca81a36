using Microsoft.AspNetCore.Http.HttpResults;
using SchemeRegistry.Schemes;
using Subsidy.ServiceDefaults.Auth;

namespace SchemeRegistry.Apis;

public sealed record SchemeBatchRequest(string? Action, IReadOnlyList<Guid>? Ids);

/// <summary>One scheme of a batch: done (and the state it is now in), or refused and why.</summary>
public sealed record SchemeBatchItem(
    Guid Id,
    string VillageCode,
    bool Done,
    string? StateName,
    string? Reason
);

public sealed record SchemeBatchResult(int Done, int Refused, IReadOnlyList<SchemeBatchItem> Items);

/// <summary>
/// Many schemes in one request (docs/design/12): a township approves its villages' schemes, a
/// county approves, a city files. Each scheme goes through the same rule and transaction as a
/// single step and is answered on its own (done, or refused with the reason); a scheme that does
/// not exist or lies outside the caller's scope refuses the whole batch with 403 before anything is
/// read or done, and says no more.
/// </summary>
public static class SchemeBatchApi
{
    private static readonly Dictionary<string, SchemeAction> Actions = new()
    {
        ["township-approve"] = SchemeAction.ApproveTownship,
        ["county-approve"] = SchemeAction.ApproveCounty,
        ["file"] = SchemeAction.File,
    };

    public static RouteGroupBuilder MapSchemeBatchApi(this RouteGroupBuilder group)
    {
        // A role that never approves or files is refused before its request is read.
        group
            .MapPost("/batch", TakeBatch)
            .RequireRoles(Roles.TownshipOfficer, Roles.CountyBureau, Roles.CityBureau);
        return group;
    }

    public static async Task<
        Results<Ok<SchemeBatchResult>, ValidationProblem, ProblemHttpResult>
    > TakeBatch(SchemeBatchRequest? request, [AsParameters] RegistryCommand command)
    {
        var caller = command.Http.GetCaller();
        if (request?.Action is not { } code || !Actions.TryGetValue(code, out var action))
        {
            return Problems.Invalid([
                (
                    "action",
                    "批量办理的操作须为 township-approve（乡镇审核通过）、county-approve（县人社局批准）或 file（市人社局备案）。"
                ),
            ]);
        }
        var role = SchemeWorkflow.RoleFor(action, SchemeState.Submitted);
        if (!caller.HasRole(role))
            return Problems.From(
                Refusal.WrongRole(SchemeWorkflow.ActionName(action), [role], caller)
            );
        var ids = request.Ids ?? [];
        if (BatchSelection.WhyNot(ids, "方案") is { } unselectable)
            return Problems.Invalid([("ids", unselectable)]);

        // Scope before state: one scheme that is unknown or not the caller's stops the batch, and
        // the answer does not say which, so a batch cannot probe for other counties' schemes.
        var villages = await SchemeStore.VillagesOfAsync(
            command.DataSource,
            ids,
            command.CancellationToken
        );
        if (villages.Count != ids.Count || villages.Values.Any(v => !caller.Covers(v)))
            return Problems.Forbidden("所选方案中有不在您管辖范围内的方案，整批未办理。");

        var items = new List<SchemeBatchItem>(ids.Count);
        foreach (var id in ids)
        {
            var answer = await SchemesApi.TransitionAsync(id, action, null, command);
            items.Add(
                answer.Result is Ok<Scheme> ok
                    ? new(id, villages[id], true, SchemeWorkflow.StateName(ok.Value!.State), null)
                    : new(id, villages[id], false, null, Problems.ReasonOf(answer.Result))
            );
        }
        return TypedResults.Ok(
            new SchemeBatchResult(items.Count(i => i.Done), items.Count(i => !i.Done), items)
        );
    }
}
