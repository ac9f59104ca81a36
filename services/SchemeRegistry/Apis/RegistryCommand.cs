using Npgsql;
using Subsidy.ServiceDefaults.Time;

namespace SchemeRegistry.Apis;

/// <summary>What every command of the registry (schemes, pilots) is given besides its own input:
/// the caller, the database, the business clock.</summary>
public sealed record RegistryCommand(
    HttpContext Http,
    NpgsqlDataSource DataSource,
    BusinessClock Clock,
    CancellationToken CancellationToken
);
