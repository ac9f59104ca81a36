using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using SchemeRegistry.Divisions;
using SchemeRegistry.Pilots;
using SchemeRegistry.PolicyYears;
using SchemeRegistry.Schemes;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Time;

namespace SchemeRegistry.Apis;

public sealed record CreateSchemeRequest(string? VillageCode, int? Year, SchemeTermsInput? Terms);

public sealed record CopySchemeRequest(string? VillageCode, int? Year);

public sealed record RejectSchemeRequest(string? Reason);

public sealed record CarryOverRequest(int? Year);

public sealed record CarryOverResult(int Year, int CarriedOver, IReadOnlyList<Scheme> Schemes);

public static class SchemesApi
{
    public static RouteGroupBuilder MapSchemesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/registry/schemes")
            .RequireAuthorization()
            .WithTags("补助方案");
        group.MapGet("/", ListSchemes);
        group.MapGet("/{id:guid}", GetScheme);
        group.MapGet("/in-force/{villageCode}/{year:int}", GetSchemeInForce);
        group.MapPost("/", CreateScheme);
        group.MapPost("/copy", CopyLastYearsScheme);
        group.MapPut("/{id:guid}", EditScheme);
        group.MapPost("/{id:guid}/submit", Submit);
        group.MapPost("/{id:guid}/township-approve", ApproveTownship);
        group.MapPost("/{id:guid}/county-approve", ApproveCounty);
        group.MapPost("/{id:guid}/file", File);
        group.MapPost("/{id:guid}/reject", Reject);
        group.MapPost("/carry-over", CarryOver).RequireRoles(Roles.CountyBureau);
        group.MapSchemeBatchApi();
        return group;
    }

    /// <summary>The schemes of the caller's scope (or a division within it), of a year and in a
    /// state; the state is given as the answers spell it ("county-approved").</summary>
    public static async Task<
        Results<Ok<IReadOnlyList<Scheme>>, ProblemHttpResult, ValidationProblem>
    > ListSchemes(
        string? division,
        int? year,
        string? state,
        HttpContext http,
        SchemeStore store,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        var prefix = division ?? caller.Scope;
        if (!caller.Covers(prefix))
            return Problems.OutOfScope(caller, prefix);
        SchemeState? filter = null;
        if (state is not null)
        {
            if (!EnumCodes.TryParse<SchemeState>(state, out var parsed))
            {
                return Problems.Invalid([
                    (
                        "state",
                        $"方案状态 {state} 无法识别，可选：{string.Join("、", Enum.GetValues<SchemeState>().Select(s => $"{EnumCodes.Of(s)}（{SchemeWorkflow.StateName(s)}）"))}。"
                    ),
                ]);
            }
            filter = parsed;
        }
        return TypedResults.Ok<IReadOnlyList<Scheme>>(
            (await store.ListAsync(prefix, year, filter, cancellationToken))
                .Select(s => s.OfferedTo(caller))
                .ToList()
        );
    }

    public static async Task<Results<Ok<Scheme>, ProblemHttpResult>> GetScheme(
        Guid id,
        HttpContext http,
        SchemeStore store,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        var scheme = await store.FindAsync(id, cancellationToken);
        if (scheme is null)
            return Problems.NotFound($"方案 {id} 不存在。");
        return caller.Covers(scheme.VillageCode)
            ? TypedResults.Ok(scheme.OfferedTo(caller))
            : Problems.OutOfScope(caller, scheme.VillageCode);
    }

    public static async Task<Results<Ok<Scheme>, ProblemHttpResult>> GetSchemeInForce(
        string villageCode,
        int year,
        HttpContext http,
        SchemeStore store,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (!caller.Covers(villageCode))
            return Problems.OutOfScope(caller, villageCode);
        var scheme = await store.CurrentAsync(villageCode, year, cancellationToken);
        return scheme is not null && SchemeWorkflow.IsInForce(scheme.State)
            ? TypedResults.Ok(scheme.OfferedTo(caller))
            : Problems.NotFound($"村 {villageCode} 没有 {year} 年度生效的补助方案。");
    }

    public static async Task<
        Results<Created<Scheme>, ValidationProblem, ProblemHttpResult>
    > CreateScheme(CreateSchemeRequest request, [AsParameters] RegistryCommand command)
    {
        var (http, dataSource, clock, cancellationToken) = command;
        // Only a village clerk drafts, before anything about the request is looked at.
        if (SchemeWorkflow.WhyNotDraft(http.GetCaller()) is { } role)
            return Problems.From(role);
        var missing = new List<(string, string)>();
        if (!DivisionCode.IsWellFormed(request.VillageCode))
            missing.Add(("villageCode", "须填写12位村(居)区划代码。"));
        if (request.Year is null)
            missing.Add(("year", "须填写补助年度。"));
        if (request.Terms is null)
            missing.Add(("terms", "须填写补助方案内容。"));
        if (missing.Count > 0)
            return Problems.Invalid(missing);
        return await CreateDraftAsync(
            request.VillageCode!,
            request.Year!.Value,
            request.Terms!,
            http.GetCaller(),
            dataSource,
            clock,
            cancellationToken
        );
    }

    /// <summary>A new draft for the year with the terms in force last year; the democratic
    /// procedure starts afresh.</summary>
    public static async Task<
        Results<Created<Scheme>, ValidationProblem, ProblemHttpResult>
    > CopyLastYearsScheme(
        CopySchemeRequest request,
        SchemeStore store,
        [AsParameters] RegistryCommand command
    )
    {
        var (http, dataSource, clock, cancellationToken) = command;
        var caller = http.GetCaller();
        if (SchemeWorkflow.WhyNotDraft(caller) is { } role)
            return Problems.From(role);
        if (!DivisionCode.IsWellFormed(request.VillageCode) || request.Year is null)
        {
            return Problems.Invalid([("villageCode", "须填写12位村(居)区划代码和补助年度。")]);
        }
        if (!caller.Covers(request.VillageCode!))
            return Problems.OutOfScope(caller, request.VillageCode!);
        var last = await store.CurrentAsync(
            request.VillageCode!,
            request.Year.Value - 1,
            cancellationToken
        );
        if (last is null || !SchemeWorkflow.IsInForce(last.State))
        {
            return Problems.NotFound(
                $"村 {request.VillageCode} 没有 {request.Year - 1} 年度生效的补助方案可供复制。"
            );
        }
        return await CreateDraftAsync(
            request.VillageCode!,
            request.Year.Value,
            Codes.ToInput(last.Terms.ForNewYear()),
            caller,
            dataSource,
            clock,
            cancellationToken
        );
    }

    private static async Task<
        Results<Created<Scheme>, ValidationProblem, ProblemHttpResult>
    > CreateDraftAsync(
        string villageCode,
        int year,
        SchemeTermsInput input,
        Caller caller,
        NpgsqlDataSource dataSource,
        BusinessClock clock,
        CancellationToken cancellationToken
    )
    {
        if (
            SchemeWorkflow.WhyNot(SchemeAction.Edit, SchemeState.Draft, caller, villageCode) is
            { } refusal
        )
            return Problems.From(refusal);
        var today = clock.Today;

        await using var work = await UnitOfWork.BeginAsync(dataSource, cancellationToken);
        if (
            await DivisionStore.WhyNotAnActiveVillageAsync(work, villageCode, cancellationToken) is
            { } villageProblem
        )
            return Problems.From(villageProblem);
        if (
            await WindowProblemAsync(work, villageCode, year, today, cancellationToken) is
            { } closed
        )
            return closed;
        if (
            await SchemeStore.CurrentForUpdateAsync(work, villageCode, year, cancellationToken) is
            { } existing
        )
        {
            return Problems.Conflict(
                $"村 {villageCode} 的 {year} 年度方案已存在（{SchemeWorkflow.StateName(existing.State)}，编号 {existing.Id}），请修改该方案。"
            );
        }
        var policy = await PolicyYearStore.EffectiveAsync(
            work.Connection,
            work.Transaction,
            villageCode,
            year,
            cancellationToken
        );
        var validation = SchemeValidator.Validate(input, policy, year, forSubmission: false, today);
        if (!validation.IsValid)
            return Problems.Invalid(validation.Errors);

        var created = await SchemeStore.InsertAsync(
            work,
            caller,
            villageCode,
            year,
            SchemeState.Draft,
            validation.Terms!,
            null,
            "create",
            cancellationToken
        );
        await work.CommitAsync(cancellationToken);
        return TypedResults.Created(
            $"/api/registry/schemes/{created.Id}",
            created.OfferedTo(caller)
        );
    }

    public static async Task<Results<Ok<Scheme>, ValidationProblem, ProblemHttpResult>> EditScheme(
        Guid id,
        SchemeTermsInput input,
        [AsParameters] RegistryCommand command
    )
    {
        var (http, dataSource, clock, cancellationToken) = command;
        var caller = http.GetCaller();
        var today = clock.Today;
        await using var work = await UnitOfWork.BeginAsync(dataSource, cancellationToken);
        var scheme = await SchemeStore.FindForUpdateAsync(work, id, cancellationToken);
        if (scheme is null)
            return Problems.NotFound($"方案 {id} 不存在。");
        if (
            SchemeWorkflow.WhyNot(SchemeAction.Edit, scheme.State, caller, scheme.VillageCode) is
            { } refusal
        )
            return Problems.From(refusal);
        if (
            await WindowProblemAsync(
                work,
                scheme.VillageCode,
                scheme.Year,
                today,
                cancellationToken
            ) is
            { } closed
        )
            return closed;
        var policy = await PolicyYearStore.EffectiveAsync(
            work.Connection,
            work.Transaction,
            scheme.VillageCode,
            scheme.Year,
            cancellationToken
        );
        var validation = SchemeValidator.Validate(
            input,
            policy,
            scheme.Year,
            forSubmission: false,
            today
        );
        if (!validation.IsValid)
            return Problems.Invalid(validation.Errors);

        var updated = await SchemeStore.UpdateAsync(
            work,
            caller,
            scheme,
            SchemeState.Draft,
            validation.Terms!,
            "edit",
            null,
            cancellationToken
        );
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(updated.OfferedTo(caller));
    }

    public static Task<Results<Ok<Scheme>, ValidationProblem, ProblemHttpResult>> Submit(
        Guid id,
        [AsParameters] RegistryCommand command
    ) => TransitionAsync(id, SchemeAction.Submit, null, command);

    public static Task<Results<Ok<Scheme>, ValidationProblem, ProblemHttpResult>> ApproveTownship(
        Guid id,
        [AsParameters] RegistryCommand command
    ) => TransitionAsync(id, SchemeAction.ApproveTownship, null, command);

    public static Task<Results<Ok<Scheme>, ValidationProblem, ProblemHttpResult>> ApproveCounty(
        Guid id,
        [AsParameters] RegistryCommand command
    ) => TransitionAsync(id, SchemeAction.ApproveCounty, null, command);

    public static Task<Results<Ok<Scheme>, ValidationProblem, ProblemHttpResult>> File(
        Guid id,
        [AsParameters] RegistryCommand command
    ) => TransitionAsync(id, SchemeAction.File, null, command);

    public static Task<Results<Ok<Scheme>, ValidationProblem, ProblemHttpResult>> Reject(
        Guid id,
        RejectSchemeRequest request,
        [AsParameters] RegistryCommand command
    ) => TransitionAsync(id, SchemeAction.Reject, request.Reason, command);

    /// <summary>One scheme's step in its own transaction: the single routes and each scheme of a
    /// batch (<see cref="SchemeBatchApi"/>) go through the same checks.</summary>
    public static async Task<
        Results<Ok<Scheme>, ValidationProblem, ProblemHttpResult>
    > TransitionAsync(Guid id, SchemeAction action, string? reason, RegistryCommand command)
    {
        var (http, dataSource, clock, cancellationToken) = command;
        var caller = http.GetCaller();
        var today = clock.Today;

        await using var work = await UnitOfWork.BeginAsync(dataSource, cancellationToken);
        var scheme = await SchemeStore.FindForUpdateAsync(work, id, cancellationToken);
        if (scheme is null)
            return Problems.NotFound($"方案 {id} 不存在。");
        if (SchemeWorkflow.WhyNot(action, scheme.State, caller, scheme.VillageCode) is { } refusal)
            return Problems.From(refusal);
        if (action == SchemeAction.Reject && string.IsNullOrWhiteSpace(reason))
            return Problems.Invalid([("reason", "退回方案须说明理由。")]);

        if (
            action
            is SchemeAction.Submit
                or SchemeAction.ApproveTownship
                or SchemeAction.ApproveCounty
        )
        {
            if (
                await WindowProblemAsync(
                    work,
                    scheme.VillageCode,
                    scheme.Year,
                    today,
                    cancellationToken
                ) is
                { } closed
            )
                return closed;
        }
        if (action == SchemeAction.Submit)
        {
            var pilot = await PilotStore.FindForUpdateAsync(
                work,
                scheme.VillageCode,
                cancellationToken
            );
            if (pilot?.Status != PilotStatus.Active)
            {
                return Problems.Conflict(
                    $"该村集体补助试点状态为“{PilotWorkflow.StatusName(pilot?.Status)}”，须经县人社局批准试点后才能提交方案。"
                );
            }
            var policy = await PolicyYearStore.EffectiveAsync(
                work.Connection,
                work.Transaction,
                scheme.VillageCode,
                scheme.Year,
                cancellationToken
            );
            var validation = SchemeValidator.Validate(
                Codes.ToInput(scheme.Terms),
                policy,
                scheme.Year,
                forSubmission: true,
                today
            );
            if (!validation.IsValid)
                return Problems.Invalid(validation.Errors);
        }

        var to = SchemeWorkflow.Target(action, scheme.State)!.Value;
        var updated = await SchemeStore.UpdateAsync(
            work,
            caller,
            scheme,
            to,
            scheme.Terms,
            EnumCodes.Of(action),
            reason?.Trim(),
            cancellationToken
        );
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(updated.OfferedTo(caller));
    }

    /// <summary>From 1 January, last year's terms carry over for every village of the caller's
    /// scope without new approved terms.</summary>
    public static async Task<
        Results<Ok<CarryOverResult>, ValidationProblem, ProblemHttpResult>
    > CarryOver(CarryOverRequest request, [AsParameters] RegistryCommand command)
    {
        var (http, dataSource, clock, cancellationToken) = command;
        var caller = http.GetCaller();
        var year = request.Year ?? clock.Today.Year;
        if (!ChangeWindow.CarryOverDue(year, clock.Today))
        {
            return Problems.Conflict(
                $"{year - 1} 年度方案要到 {year} 年1月1日才沿用；在此之前各村仍可报批 {year} 年度新方案。"
            );
        }
        await using var work = await UnitOfWork.BeginAsync(dataSource, cancellationToken);
        var carried = await SchemeStore.CarryOverAsync(
            work,
            caller,
            caller.Scope,
            year,
            cancellationToken
        );
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(new CarryOverResult(year, carried.Count, carried));
    }

    private static async Task<ProblemHttpResult?> WindowProblemAsync(
        UnitOfWork work,
        string villageCode,
        int year,
        DateOnly today,
        CancellationToken cancellationToken
    )
    {
        var previous = await SchemeStore.CurrentForUpdateAsync(
            work,
            villageCode,
            year - 1,
            cancellationToken
        );
        var why = ChangeWindow.WhyClosed(
            year,
            previous is not null && SchemeWorkflow.IsInForce(previous.State),
            today
        );
        return why is null ? null : Problems.Conflict(why);
    }
}
