using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using RabbitMQ.Client;
using Subsidy.ServiceData.Messaging;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Messaging;

namespace Subsidy.ServiceData.Operations;

/// <summary>
/// {group}/operations: the service's queues and the messages that failed every retry, for the
/// city's operator (运维人员). Each service answers for its own queues; the portal's 运维监控 page
/// asks every service the gateway routes to.
/// </summary>
public static class OperationsApi
{
    public const string Entity = "dead-letter";
    public const int MaxPageSize = 100;
    public const int MaxReasonLength = 200;

    public static RouteGroupBuilder MapOperationsApi(this RouteGroupBuilder group)
    {
        var operations = group.MapGroup("/operations").WithTags("运维");
        operations.MapGet("/queues", ListQueues).RequireRoles(Roles.Operator);
        operations.MapGet("/dead-letters", ListDeadLetters).RequireRoles(Roles.Operator);
        operations
            .MapPost("/dead-letters/{id:long}/return", ReturnDeadLetter)
            .RequireRoles(Roles.Operator);
        operations
            .MapPost("/dead-letters/{id:long}/discard", DiscardDeadLetter)
            .RequireRoles(Roles.Operator);
        return group;
    }

    public static Ok<IReadOnlyList<QueueView>> ListQueues(ConsumedQueues queues) =>
        TypedResults.Ok(queues.Last);

    public static async Task<Results<Ok<DeadLetterPage>, ValidationProblem>> ListDeadLetters(
        string? state,
        int? page,
        int? pageSize,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        if (state is not null && !DeadLetterStates.All.Contains(state))
        {
            return Problems.Invalid([
                (
                    "state",
                    $"状态须为{string.Join("、", DeadLetterStates.All.Select(DeadLetterStates.Label))}之一。"
                ),
            ]);
        }
        return TypedResults.Ok(
            await DeadLetterStore.ListAsync(
                dataSource,
                state,
                Math.Max(page ?? 1, 1),
                Math.Clamp(pageSize ?? 20, 1, MaxPageSize),
                cancellationToken
            )
        );
    }

    public static Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> ReturnDeadLetter(
        long id,
        [FromBody] DeadLetterDecision? decision,
        HttpContext http,
        NpgsqlDataSource dataSource,
        BrokerAddress broker,
        CancellationToken cancellationToken
    ) =>
        HandleAsync(
            id,
            decision,
            http.GetCaller(),
            dataSource,
            DeadLetterStates.Returned,
            "重新投递",
            async message =>
            {
                await using var connection = await broker.ConnectAsync(
                    "dead-letter-return",
                    cancellationToken
                );
                await DeadLetterParking.ReturnAsync(connection, message, cancellationToken);
            },
            cancellationToken
        );

    public static Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> DiscardDeadLetter(
        long id,
        [FromBody] DeadLetterDecision? decision,
        HttpContext http,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    ) =>
        HandleAsync(
            id,
            decision,
            http.GetCaller(),
            dataSource,
            DeadLetterStates.Discarded,
            "丢弃",
            _ => Task.CompletedTask,
            cancellationToken
        );

    /// <summary>
    /// One decision on one waiting dead letter, recorded with its audit entry in one transaction.
    /// The row stays locked while the message goes back to the broker: a second operator's decision
    /// waits, then finds it handled. Should the commit fail after the broker took the message, it
    /// arrives twice, which the idempotent consumers absorb.
    /// </summary>
    private static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> HandleAsync(
        long id,
        DeadLetterDecision? decision,
        Caller caller,
        NpgsqlDataSource dataSource,
        string toState,
        string actionName,
        Func<StoredMessage, Task> act,
        CancellationToken cancellationToken
    )
    {
        var reason = decision?.Reason?.Trim();
        if (string.IsNullOrEmpty(reason))
            return Problems.Invalid([("reason", $"请填写{actionName}的原因。")]);
        if (reason.Length > MaxReasonLength)
            return Problems.Invalid([("reason", $"原因最多{MaxReasonLength}个字。")]);

        await using var work = await UnitOfWork.BeginAsync(dataSource, cancellationToken);
        var message = await DeadLetterStore.LockAsync(work, id, cancellationToken);
        if (message is null)
            return Problems.NotFound($"没有编号为 {id} 的死信消息。");
        if (message.State != DeadLetterStates.Waiting)
        {
            return Problems.Conflict(
                $"该死信消息{DeadLetterStates.Label(message.State)}，不能再{actionName}。"
            );
        }
        try
        {
            await act(message);
        }
        catch (Exception e)
            when (e is RabbitMQ.Client.Exceptions.RabbitMQClientException or IOException)
        {
            return TypedResults.Problem(
                detail: "消息队列暂时无法接收，死信消息仍待处理，请稍后再试。",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "暂时不可用"
            );
        }
        await DeadLetterStore.MarkAsync(
            work,
            id,
            toState,
            caller.UserId,
            reason,
            cancellationToken
        );
        await work.RecordAsync(
            caller,
            Entity,
            $"{message.Queue}#{id}",
            caller.Scope,
            actionName,
            DeadLetterStates.Label(DeadLetterStates.Waiting),
            DeadLetterStates.Label(toState),
            reason,
            cancellationToken
        );
        await work.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
