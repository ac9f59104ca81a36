namespace Subsidy.Contracts;

/// <summary>缴费项目 (aae341) of the business system.</summary>
public enum ContributionItem
{
    /// <summary>个人缴费 (1)</summary>
    Personal = 1,

    /// <summary>省级补贴 (3)</summary>
    ProvincialSubsidy = 3,

    /// <summary>市级补贴 (4)</summary>
    CitySubsidy = 4,

    /// <summary>县级补贴 (5)</summary>
    CountySubsidy = 5,

    /// <summary>集体补助 (6)</summary>
    Collective = 6,

    /// <summary>政府代缴 (11)</summary>
    GovernmentOnBehalf = 11,
}

/// <summary>缴费类型 (aaa115).</summary>
public enum PaymentType
{
    /// <summary>正常缴费 / 正常应缴 (10)</summary>
    Normal = 10,

    /// <summary>补缴 (31)</summary>
    BackPayment = 31,

    /// <summary>一次性补缴: excludes the person from the collective subsidy.</summary>
    LumpSum = 90,
}

[System.Text.Json.Serialization.JsonConverter(typeof(ContributionRecordJson))]
public sealed record ContributionRecord(
    int RowNumber,
    string Name,
    string IdNumber,
    string VillageCode,
    int Year,
    ContributionItem Item,
    PaymentType Type,
    decimal? Tier,
    decimal Amount,
    DateOnly PaidOn,
    string? Identity,
    SpecialGroup? SpecialGroup,
    bool ReceivingBenefits
);

/// <summary>An accepted contribution-detail batch: its villages' rows follow in <see
/// cref="VillageContributions"/> chunks.</summary>
public sealed record ContributionBatchAccepted(
    Guid BatchId,
    string ScopeCode,
    int Year,
    DateTimeOffset AcceptedAt,
    IReadOnlyList<VillageRowCount> Villages,
    IReadOnlyList<Guid> Supersedes
);

public sealed record VillageRowCount(string VillageCode, int Rows, int Chunks);

/// <summary>
/// One bounded chunk of a village's accepted contribution records. A village's data is complete
/// when all
/// <see cref="ChunkCount"/> chunks of the batch have arrived.
/// </summary>
public sealed record VillageContributions(
    Guid BatchId,
    string VillageCode,
    int Year,
    int ChunkIndex,
    int ChunkCount,
    IReadOnlyList<ContributionRecord> Records
);

public sealed record RosterMember(
    int RowNumber,
    string Name,
    string IdNumber,
    SpecialGroup? SpecialGroup
);

/// <summary>
/// A village's accepted member roster (集体经济组织成员名册) for a year; it replaces the village's earlier
/// roster. A roster is one village's, so it travels whole (a village has at most a few thousand
/// members).
/// </summary>
public sealed record RosterAccepted(
    Guid BatchId,
    string VillageCode,
    int Year,
    IReadOnlyList<RosterMember> Members,
    IReadOnlyList<Guid> Supersedes
);
