using System.Text.RegularExpressions;

namespace Subsidy.ServiceData;

/// <summary>An audit entry as a reader sees it: what was done to what, in Chinese, beside the codes
/// it is stored and filtered by.</summary>
public sealed record AuditEntryView(
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
    DateTime At,
    string EntityName,
    string ObjectName,
    string DivisionName,
    string ActionName,
    string? FromStateName,
    string? ToStateName
);

/// <summary>
/// How one service's audit entries read in Chinese. Entries are stored with codes (entity
/// "village-year", action "approve-township", a scheme's id) so they can be filtered and chained;
/// the API answers with these words beside them, so the portal and the archive never show a code.
/// Each service gives the words for its own entities and actions (its workflow's own names); a
/// code no service names reads as "其他…", never as itself.
/// </summary>
public sealed partial class AuditWording(
    string? divisionTable,
    IReadOnlyDictionary<string, string> entities,
    IReadOnlyDictionary<string, string> actions,
    IReadOnlyDictionary<string, string>? states = null
)
{
    /// <summary>The table holding this service's division names ("divisions" in the registry,
    /// "known_divisions" in its replicas), or null where the service keeps none.</summary>
    public string? DivisionTable { get; } =
        divisionTable is null || AuditLog.DivisionTables.Contains(divisionTable)
            ? divisionTable
            : throw new ArgumentException("Unknown division table.", nameof(divisionTable));

    /// <summary>A service whose audited acts are the operator's (dead letters) and the shared ones
    /// (full ID numbers shown), with the division names of its replica.</summary>
    public static AuditWording ForReplica() =>
        new("known_divisions", new Dictionary<string, string>(), new Dictionary<string, string>());

    /// <summary>Wording shared by every service: the operator's dead-letter handling, views of whole
    /// ID numbers.</summary>
    private static readonly Dictionary<string, string> SharedEntities = new()
    {
        ["dead-letter"] = "死信消息",
        [Crypto.IdNumberViews.Entity] = "个人信息",
    };

    /// <summary>Acts every service names alike, whatever they were done to.</summary>
    private static readonly Dictionary<string, string> SharedActions = new()
    {
        [Crypto.IdNumberViews.Action] = Crypto.IdNumberViews.ActionName,
    };

    public static string ActionKey(string entity, string action) => $"{entity}/{action}";

    public AuditEntryView Present(AuditEntry e)
    {
        var division = e.DivisionName ?? e.DivisionCode;
        var entityName = entities.GetValueOrDefault(e.Entity)
            ?? SharedEntities.GetValueOrDefault(e.Entity)
            ?? "其他对象";
        return new AuditEntryView(
            e.Id,
            e.Entity,
            e.EntityKey,
            e.DivisionCode,
            e.Action,
            e.FromState,
            e.ToState,
            e.Reason,
            e.Actor,
            e.ActorRole,
            e.At,
            entityName,
            ObjectName(e, division),
            division,
            actions.GetValueOrDefault(ActionKey(e.Entity, e.Action))
                ?? SharedActions.GetValueOrDefault(e.Action)
                ?? Readable(e.Action, "其他操作"),
            State(e.FromState),
            State(e.ToState)
        );
    }

    /// <summary>What the entry is about, by what its key holds: a village-year or a region's year
    /// ("礼芳村 2026年度"), a division's own record, a numbered record, or something named by its
    /// key (an account's user name).</summary>
    private static string ObjectName(AuditEntry e, string division)
    {
        var key = e.EntityKey;
        if (CodeAndYear().Match(key) is { Success: true } year)
            return $"{division} {year.Groups[1].Value}年度";
        if (key == e.DivisionCode || Guid.TryParse(key, out _))
            return division;
        if (Numbered().Match(key) is { Success: true } number)
            return $"第 {number.Groups[1].Value} 号";
        return key;
    }

    private string? State(string? state) =>
        state is null ? null : states?.GetValueOrDefault(state) ?? Readable(state, "其他状态");

    /// <summary>Text that already reads in Chinese passes; a bare code does not.</summary>
    private static string Readable(string text, string otherwise) =>
        text.Any(c => c > 0x2E7F) ? text : otherwise;

    [GeneratedRegex(@"^\d{6,12}/(\d{4})$")]
    private static partial Regex CodeAndYear();

    [GeneratedRegex(@"^(?:.*#)?(\d+)$")]
    private static partial Regex Numbered();
}
