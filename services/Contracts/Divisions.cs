namespace Subsidy.Contracts;

/// <summary>Level of an administrative division in the 12-digit statistical code scheme.</summary>
public enum DivisionLevel
{
    Province = 1,
    City = 2,
    County = 3,
    Township = 4,
    Village = 5,
}

/// <summary>
/// Published by scheme-registry whenever a division is created, renamed or (de)activated. Other
/// services keep their own copy from these events; <see cref="Version"/> rises with every change so
/// that a late or repeated event never overwrites a newer copy.
/// </summary>
public sealed record DivisionChanged(
    string Code,
    string Name,
    DivisionLevel Level,
    string? ParentCode,
    bool Active,
    long Version,
    DateTimeOffset ChangedAt
);

/// <summary>
/// Asks scheme-registry to publish every division and policy year again. A service sends it at
/// start-up so that a copy that missed events (first start, restored database) catches up without
/// reading the registry's tables.
/// </summary>
public sealed record ReferenceDataResyncRequested(
    string RequestedBy,
    DateTimeOffset RequestedAt,
    Guid RequestId = default
);

/// <summary>Published by scheme-registry after the reference data it sent again for <see
/// cref="RequestId"/>: the requester stops asking.</summary>
public sealed record ReferenceDataResyncAnswered(
    string RequestedBy,
    Guid RequestId,
    DateTimeOffset AnsweredAt
);
