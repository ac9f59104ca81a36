using System.Data.Common;

namespace Subsidy.ServiceDefaults.Resilience;

/// <summary>
/// Whether a failure is the database being lost under a unit of work (a failover: the primary
/// gone, the standby being promoted and read-only for a moment, connections refused while it
/// starts). The unit's transaction did not commit, so repeating the whole unit is safe: a request
/// is answered 503 to be sent again, a message is retried in place until the database is back.
/// </summary>
public static class DatabaseFailover
{
    public static bool IsUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException db && IsUnavailable(db))
                return true;
            if (e is AggregateException aggregate)
                return aggregate.InnerExceptions.Any(IsUnavailable);
        }
        return false;
    }

    // No state from the server: the client could not reach one that takes writes ("no suitable
    // host", a refused or broken connection, a timeout).
    private static bool IsUnavailable(DbException exception) =>
        exception.SqlState is null
        || exception.IsTransient
        || exception.SqlState
            is "25006" // read-only transaction: a standby not yet promoted
                or "57P01" // admin shutdown
                or "57P02" // crash shutdown
                or "57P03" // cannot connect now (starting up, in recovery)
        || exception.SqlState?.StartsWith("08", StringComparison.Ordinal) == true;
}
