using Dapper;
using Npgsql;
using Subsidy.ServiceDefaults.Auth;

namespace Subsidy.ServiceData.Crypto;

/// <summary>
/// Each time a service shows or hands out full 公民身份号码 (a list asked for whole, a 花名册 or
/// write-back file downloaded), it records the act in its audit log before answering: who (the
/// entry's actor and role), whose (the members, masked), when (the entry's time), why (the purpose
/// the caller named). The entry is chained like every other (docs/security.md).
/// </summary>
public static class IdNumberViews
{
    /// <summary>The entries' own entity, so a village-year's step history stays the steps.</summary>
    public const string Entity = "personal-data";
    public const string Action = "view-full-id-numbers";
    public const string ActionName = "查看完整公民身份号码";

    public static Task RecordAsync(
        NpgsqlConnection connection,
        Caller caller,
        string entityKey,
        string divisionCode,
        string purpose,
        string whose,
        CancellationToken cancellationToken
    ) =>
        connection.ExecuteAsync(
            new CommandDefinition(
                AuditLog.InsertSql,
                AuditLog.Parameters(
                    caller,
                    Entity,
                    entityKey,
                    divisionCode,
                    Action,
                    null,
                    null,
                    $"用途：{purpose.Trim()}；涉及：{whose}"
                ),
                cancellationToken: cancellationToken
            )
        );
}
