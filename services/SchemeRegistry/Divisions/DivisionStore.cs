using Dapper;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Auth;

namespace SchemeRegistry.Divisions;

public sealed record Division(
    string Code,
    string Name,
    DivisionLevel Level,
    string? ParentCode,
    bool Active,
    long Version,
    DateTime ChangedAt,
    string ChangedBy
)
{
    public DivisionChanged ToEvent() =>
        new(
            Code,
            Name,
            Level,
            ParentCode,
            Active,
            Version,
            new DateTimeOffset(DateTime.SpecifyKind(ChangedAt, DateTimeKind.Utc))
        );
}

/// <summary>Reads and writes divisions; every write is audited and announced through the outbox in
/// one transaction.</summary>
public sealed class DivisionStore(NpgsqlDataSource dataSource)
{
    private const string Columns =
        "code, name, level::int AS level, parent_code, active, version, changed_at, changed_by";

    private const string FindSql = $"SELECT {Columns} FROM divisions WHERE code = @Code";

    private const string ListSql = $"""
        SELECT {Columns} FROM divisions
        WHERE (@Parent::text IS NULL OR parent_code = @Parent) AND (@Level::int IS NULL OR level = @Level)
        ORDER BY code
        """;

    private const string AllSql = $"SELECT {Columns} FROM divisions ORDER BY level, code";

    private const string InsertSql = $"""
        INSERT INTO divisions (code, name, level, parent_code, changed_by)
        VALUES (@Code, @Name, @Level, @ParentCode, @ChangedBy)
        ON CONFLICT (code) DO NOTHING
        RETURNING {Columns}
        """;

    private const string UpdateSql = $"""
        UPDATE divisions SET name = @Name, active = @Active, version = version + 1, changed_at =
            now(), changed_by = @ChangedBy
        WHERE code = @Code
        RETURNING {Columns}
        """;

    public async Task<Division?> FindAsync(string code, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Division>(
            new CommandDefinition(
                FindSql,
                new { Code = code },
                cancellationToken: cancellationToken
            )
        );
    }

    public async Task<IReadOnlyList<Division>> ListAsync(
        string? parent,
        DivisionLevel? level,
        CancellationToken cancellationToken
    )
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (
            await connection.QueryAsync<Division>(
                new CommandDefinition(
                    ListSql,
                    new { Parent = parent, Level = (int?)level },
                    cancellationToken: cancellationToken
                )
            )
        ).AsList();
    }

    public static async Task<IReadOnlyList<Division>> AllAsync(
        UnitOfWork work,
        CancellationToken cancellationToken
    ) =>
        (
            await work.Connection.QueryAsync<Division>(
                new CommandDefinition(
                    AllSql,
                    transaction: work.Transaction,
                    cancellationToken: cancellationToken
                )
            )
        ).AsList();

    /// <summary>Inserts a division; null when the code exists already. The parent must exist
    /// (checked by the caller in the same transaction).</summary>
    public static async Task<Division?> InsertAsync(
        UnitOfWork work,
        Caller caller,
        string code,
        string name,
        CancellationToken cancellationToken
    )
    {
        var created = await work.Connection.QuerySingleOrDefaultAsync<Division>(
            new CommandDefinition(
                InsertSql,
                new
                {
                    Code = code,
                    Name = name.Trim(),
                    Level = (short)DivisionCode.LevelOf(code)!.Value,
                    ParentCode = DivisionCode.ParentOf(code),
                    ChangedBy = caller.UserId,
                },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
        if (created is null)
            return null;
        await work.RecordAsync(
            caller,
            "division",
            code,
            code,
            "create",
            null,
            created.Name,
            null,
            cancellationToken
        );
        await work.PublishAsync(created.ToEvent(), cancellationToken);
        return created;
    }

    public static async Task<Division?> FindForUpdateAsync(
        UnitOfWork work,
        string code,
        CancellationToken cancellationToken
    ) =>
        await work.Connection.QuerySingleOrDefaultAsync<Division>(
            new CommandDefinition(
                FindSql + " FOR UPDATE",
                new { Code = code },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );

    /// <summary>Null when the code is an active village (locked for the transaction); else why a
    /// village's scheme or pilot cannot name it.</summary>
    public static async Task<Refusal?> WhyNotAnActiveVillageAsync(
        UnitOfWork work,
        string villageCode,
        CancellationToken cancellationToken
    )
    {
        var village = await FindForUpdateAsync(work, villageCode, cancellationToken);
        if (village is null || village.Level != DivisionLevel.Village)
            return Refusal.NotFound($"村(居) {villageCode} 不存在。");
        if (!village.Active)
            return Refusal.Conflict($"村(居) {village.Name}（{villageCode}）已停用。");
        return null;
    }

    public static async Task<Division> UpdateAsync(
        UnitOfWork work,
        Caller caller,
        Division current,
        string name,
        bool active,
        string? reason,
        CancellationToken cancellationToken
    )
    {
        var updated = await work.Connection.QuerySingleAsync<Division>(
            new CommandDefinition(
                UpdateSql,
                new
                {
                    current.Code,
                    Name = name.Trim(),
                    Active = active,
                    ChangedBy = caller.UserId,
                },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
        await work.RecordAsync(
            caller,
            "division",
            current.Code,
            current.Code,
            "update",
            Describe(current),
            Describe(updated),
            reason,
            cancellationToken
        );
        await work.PublishAsync(updated.ToEvent(), cancellationToken);
        return updated;
    }

    private static string Describe(Division d) => d.Active ? d.Name : $"{d.Name}（已停用）";
}
