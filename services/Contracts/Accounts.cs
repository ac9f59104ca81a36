namespace Subsidy.Contracts;

/// <summary>
/// Published by the identity service when an account or machine client is disabled (or its sessions
/// ended): every gateway and service instance refuses the subject's access tokens issued before
/// <see cref="RevokedAt"/>, which would otherwise stay valid for the rest of their few minutes.
/// </summary>
public sealed record AccountAccessRevoked(string Subject, DateTimeOffset RevokedAt);

/// <summary>Asks the identity service to publish the revocations still within an access token's
/// lifetime (a listener that just started).</summary>
public sealed record AccountRevocationsResyncRequested(
    DateTimeOffset RequestedAt,
    Guid RequestId = default
);

/// <summary>Published by the identity service after the revocations it sent again for <see
/// cref="RequestId"/>: the requester stops asking.</summary>
public sealed record AccountRevocationsResyncAnswered(Guid RequestId);
