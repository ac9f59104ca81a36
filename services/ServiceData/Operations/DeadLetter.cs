namespace Subsidy.ServiceData.Operations;

/// <summary>A message that failed every retry, as an operator reads it: what it was, when and why it
/// failed, and what became of it. Never its body: that may hold a resident's ID number.</summary>
public sealed record DeadLetterView(
    long Id,
    string Queue,
    string MessageType,
    string MessageLabel,
    DateTimeOffset FailedAt,
    string? ExceptionType,
    string? ExceptionMessage,
    string State,
    string StateLabel,
    string? HandledBy,
    DateTimeOffset? HandledAt,
    string? HandledReason
);

public sealed record DeadLetterPage(IReadOnlyList<DeadLetterView> Items, int Total);

/// <summary>One of the service's queues: messages waiting to be consumed and dead letters waiting
/// for an operator.</summary>
public sealed record QueueView(string Queue, long Backlog, long DeadLetters);

/// <summary>Why an operator returns or discards a dead letter, kept in the audit log.</summary>
public sealed record DeadLetterDecision(string? Reason);

/// <summary>What an operator may do with a dead letter, and the state each leaves it in.</summary>
public static class DeadLetterStates
{
    public const string Waiting = "waiting";
    public const string Returned = "returned";
    public const string Discarded = "discarded";

    public static readonly IReadOnlyList<string> All = [Waiting, Returned, Discarded];

    public static string Label(string state) =>
        state switch
        {
            Waiting => "待处理",
            Returned => "已重新投递",
            Discarded => "已丢弃",
            _ => "未知状态",
        };
}
