namespace Portal.Gateway;

/// <summary>GET /api/operations/instances (the gateway).</summary>
public sealed record ServiceInstancesView(
    string Service,
    string Label,
    string? OperationsPath,
    IReadOnlyList<InstanceView> Instances
);

public sealed record InstanceView(string Address, string Health, string HealthLabel);

/// <summary>GET {service}/operations/queues.</summary>
public sealed record QueueView(string Queue, long Backlog, long DeadLetters);

/// <summary>GET {service}/operations/dead-letters.</summary>
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

public sealed record DeadLetterPageView(IReadOnlyList<DeadLetterView> Items, int Total);
