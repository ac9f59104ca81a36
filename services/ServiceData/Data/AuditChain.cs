using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;
using Subsidy.ServiceData.Crypto;

namespace Subsidy.ServiceData;

/// <summary>One audit entry as the chain covers it: every column a person reads.</summary>
public sealed record ChainedEntry(
    long Id,
    string Entity,
    string EntityKey,
    string DivisionCode,
    string Action,
    string? FromState,
    string? ToState,
    string? Reason,
    string Actor,
    string ActorRole,
    DateTime At
);

/// <summary>Where a walk of the chain stopped: the first entry whose content or link is not what
/// was sealed, or none.</summary>
public sealed record ChainCheck(
    long Sealed,
    long Unsealed,
    long? BrokenSequence,
    long? BrokenId,
    string? Why
);

/// <summary>
/// The audit log's SM3 hash chain. Each sealed entry's hash covers its content and the previous
/// sealed entry's hash, so changing, removing or reordering any entry breaks every link after it.
/// Pure functions, and the walk that checks a database's chain.
/// </summary>
public static class AuditChain
{
    public const string Genesis =
        "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The entry's hash: SM3 over the previous hash and each field, separated by a unit
    /// separator (absent fields by a record separator), the time to the microsecond in UTC.</summary>
    public static string Hash(string previous, ChainedEntry entry)
    {
        var text = new StringBuilder(previous);
        foreach (
            var field in new[]
            {
                entry.Id.ToString(CultureInfo.InvariantCulture),
                entry.Entity,
                entry.EntityKey,
                entry.DivisionCode,
                entry.Action,
                entry.FromState,
                entry.ToState,
                entry.Reason,
                entry.Actor,
                entry.ActorRole,
                DateTime
                    .SpecifyKind(entry.At, DateTimeKind.Utc)
                    .ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            }
        )
        {
            text.Append('\u001F').Append(field ?? "\u001E");
        }
        return Convert.ToHexStringLower(Sm3.Hash(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private const string WalkSql = """
        SELECT seal_seq AS SealSeq, prev_hash AS PrevHash, hash, id, entity, entity_key AS EntityKey,
            division_code AS DivisionCode, action, from_state AS FromState, to_state AS ToState,
            reason, actor, actor_role AS ActorRole, at
        FROM audit_log WHERE seal_seq IS NOT NULL ORDER BY seal_seq
        """;

    private const string UnsealedSql = "SELECT count(*) FROM audit_log WHERE seal_seq IS NULL";

    /// <summary>Walks the database's chain from its first entry and names the first broken
    /// link.</summary>
    public static async Task<ChainCheck> VerifyAsync(NpgsqlConnection connection)
    {
        var previous = Genesis;
        long expected = 1,
            count = 0;
        var unsealed = await connection.ExecuteScalarAsync<long>(UnsealedSql);
        await using var reader = await connection.ExecuteReaderAsync(WalkSql);
        var rows = reader.GetRowParser<SealedRow>();
        while (await reader.ReadAsync())
        {
            var row = rows(reader);
            var entry = new ChainedEntry(
                row.Id,
                row.Entity,
                row.EntityKey,
                row.DivisionCode,
                row.Action,
                row.FromState,
                row.ToState,
                row.Reason,
                row.Actor,
                row.ActorRole,
                row.At
            );
            string? why =
                row.SealSeq != expected ? $"缺少第 {expected} 条（已被删除）"
                : row.PrevHash != previous ? "与前一条的链接不符（前一条被删除或改动）"
                : Hash(previous, entry) != row.Hash ? "内容与封存时不符（已被改动）"
                : null;
            if (why is not null)
                return new ChainCheck(count, unsealed, row.SealSeq, row.Id, why);
            previous = row.Hash;
            expected++;
            count++;
        }
        return new ChainCheck(count, unsealed, null, null, null);
    }

    private sealed record SealedRow(
        long SealSeq,
        string PrevHash,
        string Hash,
        long Id,
        string Entity,
        string EntityKey,
        string DivisionCode,
        string Action,
        string? FromState,
        string? ToState,
        string? Reason,
        string Actor,
        string ActorRole,
        DateTime At
    );
}
