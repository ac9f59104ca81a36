using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using SchemeRegistry.Divisions;
using SchemeRegistry.Pilots;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Time;

namespace SchemeRegistry.Apis;

public sealed record PilotDecisionRequest(string? Reason, DateOnly? EffectiveDate);

public static class PilotsApi
{
    public static RouteGroupBuilder MapPilotsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/registry/pilots").RequireAuthorization().WithTags("试点");
        group.MapGet("/", ListPilots);
        group.MapGet("/{villageCode}", GetPilot);
        group.MapPost("/{villageCode}/apply", ApplyForPilot);
        group.MapPost("/{villageCode}/approve", ApprovePilot);
        group.MapPost("/{villageCode}/reject", RejectPilot);
        group.MapPost("/{villageCode}/suspend", SuspendPilot);
        group.MapPilotBatchApi();
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<Pilot>>, ProblemHttpResult>> ListPilots(
        string? division,
        HttpContext http,
        PilotStore store,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        var prefix = division ?? caller.Scope;
        if (!caller.Covers(prefix))
            return Problems.OutOfScope(caller, prefix);
        return TypedResults.Ok<IReadOnlyList<Pilot>>(
            (await store.ListAsync(prefix, cancellationToken))
                .Select(p => p.OfferedTo(caller))
                .ToList()
        );
    }

    public static async Task<Results<Ok<Pilot>, ProblemHttpResult>> GetPilot(
        string villageCode,
        HttpContext http,
        PilotStore store,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (!caller.Covers(villageCode))
            return Problems.OutOfScope(caller, villageCode);
        return await store.FindAsync(villageCode, cancellationToken) is { } pilot
            ? TypedResults.Ok(pilot.OfferedTo(caller))
            : Problems.NotFound($"村 {villageCode} 尚未申请集体补助试点。");
    }

    public static async Task<
        Results<Ok<Pilot>, ValidationProblem, ProblemHttpResult>
    > ApplyForPilot(
        string villageCode,
        PilotApplication application,
        [AsParameters] RegistryCommand command
    )
    {
        var (http, dataSource, clock, cancellationToken) = command;
        var caller = http.GetCaller();
        if (PilotWorkflow.WhyNotCaller(caller, villageCode, PilotAction.Apply) is { } refusal)
            return Problems.From(refusal);
        var errors = PilotWorkflow.ValidateApplication(application);
        if (errors.Count > 0)
            return Problems.Invalid(errors);

        await using var work = await UnitOfWork.BeginAsync(dataSource, cancellationToken);
        if (
            await DivisionStore.WhyNotAnActiveVillageAsync(work, villageCode, cancellationToken) is
            { } missing
        )
            return Problems.From(missing);
        var current = await PilotStore.FindForUpdateAsync(work, villageCode, cancellationToken);
        if (PilotWorkflow.WhyNot(current?.Status, PilotAction.Apply) is { } why)
            return Problems.Conflict(why);
        var saved = await PilotStore.ApplyAsync(
            work,
            caller,
            current,
            villageCode,
            application,
            clock.Today,
            cancellationToken
        );
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(saved.OfferedTo(caller));
    }

    public static Task<Results<Ok<Pilot>, ValidationProblem, ProblemHttpResult>> ApprovePilot(
        string villageCode,
        PilotDecisionRequest? request,
        [AsParameters] RegistryCommand command
    ) => DecidePilot(villageCode, PilotAction.Approve, request, command);

    public static Task<Results<Ok<Pilot>, ValidationProblem, ProblemHttpResult>> RejectPilot(
        string villageCode,
        PilotDecisionRequest? request,
        [AsParameters] RegistryCommand command
    ) => DecidePilot(villageCode, PilotAction.Reject, request, command);

    public static Task<Results<Ok<Pilot>, ValidationProblem, ProblemHttpResult>> SuspendPilot(
        string villageCode,
        PilotDecisionRequest? request,
        [AsParameters] RegistryCommand command
    ) => DecidePilot(villageCode, PilotAction.Suspend, request, command);

    /// <summary>What a decision must say: a rejection or suspension its reason, a suspension the
    /// day it takes effect.</summary>
    public static List<(string Field, string Message)> DecisionErrors(
        PilotAction action,
        PilotDecisionRequest? request
    )
    {
        var errors = new List<(string, string)>();
        if (
            action is PilotAction.Reject or PilotAction.Suspend
            && string.IsNullOrWhiteSpace(request?.Reason)
        )
            errors.Add(("reason", $"{PilotWorkflow.ActionName(action)}须说明理由。"));
        if (action == PilotAction.Suspend && request?.EffectiveDate is null)
            errors.Add(("effectiveDate", "暂停试点须填写生效日期。"));
        return errors;
    }

    internal static async Task<
        Results<Ok<Pilot>, ValidationProblem, ProblemHttpResult>
    > DecidePilot(
        string villageCode,
        PilotAction action,
        PilotDecisionRequest? request,
        RegistryCommand command
    )
    {
        var (http, dataSource, clock, cancellationToken) = command;
        var caller = http.GetCaller();
        if (PilotWorkflow.WhyNotCaller(caller, villageCode, action) is { } refusal)
            return Problems.From(refusal);
        var reason = request?.Reason?.Trim();
        if (DecisionErrors(action, request) is { Count: > 0 } errors)
            return Problems.Invalid(errors);

        await using var work = await UnitOfWork.BeginAsync(dataSource, cancellationToken);
        var current = await PilotStore.FindForUpdateAsync(work, villageCode, cancellationToken);
        if (current is null)
            return Problems.NotFound($"村 {villageCode} 尚未申请集体补助试点。");
        if (PilotWorkflow.WhyNot(current.Status, action) is { } why)
            return Problems.Conflict(why);
        var effective = action switch
        {
            PilotAction.Suspend => request!.EffectiveDate,
            PilotAction.Approve => request?.EffectiveDate ?? clock.Today,
            _ => null,
        };
        var saved = await PilotStore.DecideAsync(
            work,
            caller,
            current,
            action,
            effective,
            reason,
            clock.Today,
            cancellationToken
        );
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(saved.OfferedTo(caller));
    }
}
