using Subsidy.ServiceDefaults.Auth;

namespace SchemeRegistry.Schemes;

public enum SchemeState
{
    Draft = 1,
    Submitted = 2,
    TownshipApproved = 3,
    CountyApproved = 4,
    Filed = 5,

    /// <summary>Last year's terms in force because no new scheme was county-approved by 31
    /// December.</summary>
    CarriedOver = 6,

    /// <summary>A scheme that was not county-approved by 31 December when last year's terms carried
    /// over.</summary>
    Lapsed = 7,
}

public enum SchemeAction
{
    Edit,
    Submit,
    ApproveTownship,
    ApproveCounty,
    File,
    Reject,
}

/// <summary>
/// draft → submitted → township approved → county approved (人社局) → filed with the city (备案);
/// rejection returns it to draft with a reason (docs/design/02-schemes.md). Once county-approved a
/// scheme is locked for its year.
/// </summary>
public static class SchemeWorkflow
{
    public static readonly SchemeState[] InForce =
    [
        SchemeState.CountyApproved,
        SchemeState.Filed,
        SchemeState.CarriedOver,
    ];

    public static bool IsInForce(SchemeState state) => InForce.Contains(state);

    public static string StateName(SchemeState? state) =>
        state switch
        {
            null => "无",
            SchemeState.Draft => "草稿",
            SchemeState.Submitted => "已提交待乡镇审核",
            SchemeState.TownshipApproved => "乡镇已审核待县人社局批准",
            SchemeState.CountyApproved => "县人社局已批准",
            SchemeState.Filed => "已报市人社局备案",
            SchemeState.CarriedOver => "沿用上年度方案",
            SchemeState.Lapsed => "已失效",
            _ => state.ToString()!,
        };

    public static string ActionName(SchemeAction action) =>
        action switch
        {
            SchemeAction.Edit => "修改方案",
            SchemeAction.Submit => "提交方案",
            SchemeAction.ApproveTownship => "乡镇审核通过",
            SchemeAction.ApproveCounty => "县人社局批准",
            SchemeAction.File => "市人社局备案",
            SchemeAction.Reject => "退回方案",
            _ => action.ToString(),
        };

    /// <summary>Who takes an action from a state: rejection belongs to whoever would approve the
    /// next step.</summary>
    public static string RoleFor(SchemeAction action, SchemeState from) =>
        action switch
        {
            SchemeAction.Edit or SchemeAction.Submit => Roles.VillageClerk,
            SchemeAction.ApproveTownship => Roles.TownshipOfficer,
            SchemeAction.ApproveCounty => Roles.CountyBureau,
            SchemeAction.File => Roles.CityBureau,
            SchemeAction.Reject => from == SchemeState.TownshipApproved
                ? Roles.CountyBureau
                : Roles.TownshipOfficer,
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        };

    public static SchemeState? Target(SchemeAction action, SchemeState from) =>
        (action, from) switch
        {
            (SchemeAction.Edit, SchemeState.Draft) => SchemeState.Draft,
            (SchemeAction.Submit, SchemeState.Draft) => SchemeState.Submitted,
            (SchemeAction.ApproveTownship, SchemeState.Submitted) => SchemeState.TownshipApproved,
            (SchemeAction.ApproveCounty, SchemeState.TownshipApproved) =>
                SchemeState.CountyApproved,
            (SchemeAction.File, SchemeState.CountyApproved) => SchemeState.Filed,
            (SchemeAction.Reject, SchemeState.Submitted or SchemeState.TownshipApproved) =>
                SchemeState.Draft,
            _ => null,
        };

    // In the order of the workflow; editing is the draft's form (PUT on the scheme itself).
    private static readonly (SchemeAction Action, AllowedStep Step)[] Steps =
    [
        (SchemeAction.Edit, AllowedStep.Open("edit", "修改方案", "")),
        (SchemeAction.Submit, AllowedStep.Open("submit", "提交乡镇审核", "submit")),
        (
            SchemeAction.ApproveTownship,
            AllowedStep.Open("township-approve", "审核通过", "township-approve")
        ),
        (
            SchemeAction.ApproveCounty,
            AllowedStep.Open("county-approve", "批准方案", "county-approve")
        ),
        (SchemeAction.File, AllowedStep.Open("file", "备案", "file")),
        (
            SchemeAction.Reject,
            AllowedStep.Open("reject", "退回", "reject", asks: "reason", danger: true)
        ),
    ];

    /// <summary>
    /// The steps the caller may take on a scheme of this village in this state, by the workflow's
    /// own rules (<see cref="WhyNot"/>); what the scheme answers and the portal draws. The change
    /// window and the pilot's status are checked when a step is taken, and refused with their
    /// reason then.
    /// </summary>
    public static IReadOnlyList<AllowedStep> AllowedSteps(
        SchemeState state,
        Caller caller,
        string villageCode
    ) =>
        Steps
            .Where(o => WhyNot(o.Action, state, caller, villageCode) is null)
            .Select(o => o.Step)
            .ToList();

    /// <summary>Null when the caller may take the action on a scheme of this village in this state;
    /// else why not (403 or 409).</summary>
    /// <summary>Who may draft a scheme at all: the role, before anything of the request (its
    /// village among it) is read.</summary>
    public static Refusal? WhyNotDraft(Caller caller) =>
        caller.HasRole(RoleFor(SchemeAction.Edit, SchemeState.Draft))
            ? null
            : Refusal.WrongRole(
                ActionName(SchemeAction.Edit),
                [RoleFor(SchemeAction.Edit, SchemeState.Draft)],
                caller
            );

    public static Refusal? WhyNot(
        SchemeAction action,
        SchemeState from,
        Caller caller,
        string villageCode
    )
    {
        // Scope before anything about the scheme: an outsider learns neither its state nor who may
        // act on it.
        if (!caller.Covers(villageCode))
            return Refusal.OutOfScope(caller, villageCode);
        // A role that could never take the step (the auditor, who only reads) is refused before the
        // scheme's state is told.
        var able = Enum.GetValues<SchemeState>()
            .Where(s => Target(action, s) is not null)
            .Select(s => RoleFor(action, s))
            .Distinct()
            .ToList();
        if (!able.Any(r => caller.HasRole(r)))
        {
            return Refusal.WrongRole(ActionName(action), able, caller);
        }
        var role = RoleFor(action, from);
        if (Target(action, from) is null)
        {
            return IsInForce(from)
                ? Refusal.Conflict(
                    $"方案{StateName(from)}，已锁定，本年度不能{ActionName(action)}。"
                )
                : Refusal.Conflict($"方案状态为“{StateName(from)}”，不能{ActionName(action)}。");
        }
        if (!caller.HasRole(role))
            return Refusal.WrongRole(ActionName(action), [role], caller);
        return null;
    }
}

/// <summary>
/// 次年度需调整变更的，应在上一年度12月底之前按程序变更: a village whose year Y−1 terms are in force must have its new
/// year-Y scheme county-approved by 31 December of Y−1; from 1 January of Y the Y−1 terms carry
/// over.
/// </summary>
public static class ChangeWindow
{
    public static DateOnly LastDayForChanges(int year) => new(year - 1, 12, 31);

    /// <summary>Why a year-<paramref name="year"/> scheme may no longer be drafted, edited,
    /// submitted or approved today.</summary>
    public static string? WhyClosed(int year, bool previousYearInForce, DateOnly today)
    {
        if (today.Year > year)
            return $"{year} 年度已结束，不能再变更该年度方案。";
        if (previousYearInForce && today > LastDayForChanges(year))
        {
            return $"该村 {year - 1} 年度方案仍在实施，{year} 年度的新方案须在 {LastDayForChanges(year):yyyy年M月d日} 前经县人社局批准；逾期沿用上年度方案，本年度不得变更。";
        }
        return null;
    }

    /// <summary>Carry-over of year Y−1 terms into Y happens from 1 January of Y.</summary>
    public static bool CarryOverDue(int year, DateOnly today) => today > LastDayForChanges(year);
}
