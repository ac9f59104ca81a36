using System.Globalization;
using Subsidy.Contracts;

namespace Portal.Components;

/// <summary>
/// How the portal writes what it shows: dates yyyy-MM-dd, amounts with thousands separators and 元,
/// and the Chinese labels of codes.
/// </summary>
public static class Texts
{
    private static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");
    private static readonly TimeZoneInfo ChinaTime = TimeZoneInfo.CreateCustomTimeZone(
        "CST",
        TimeSpan.FromHours(8),
        "中国标准时间",
        "中国标准时间"
    );

    public static string Money(decimal? amount) =>
        amount is { } a ? a.ToString("N2", Chinese) + " 元" : "—";

    public static string Percent(decimal? share) =>
        share is { } s ? (s * 100).ToString("0.##", Chinese) + "%" : "—";

    public static string Count(long count) => count.ToString("N0", Chinese);

    public static string Date(DateOnly? date) =>
        date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—";

    /// <summary>A moment in China Standard Time, the business day's zone.</summary>
    public static string Time(DateTime? at) =>
        at is { } t
            ? TimeZoneInfo
                .ConvertTimeFromUtc(DateTime.SpecifyKind(t, DateTimeKind.Utc), ChinaTime)
                .ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
            : "—";

    public static DateOnly Today =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, ChinaTime));
    public static int ThisYear => Today.Year;

    public static string FileSize(long bytes) =>
        bytes switch
        {
            < 1024 => $"{bytes} B",
            < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
            _ => $"{bytes / 1024.0 / 1024.0:0.#} MB",
        };

    public static string SchemeState(string state) =>
        state switch
        {
            "draft" => "草稿",
            "submitted" => "已提交待乡镇审核",
            "township-approved" => "乡镇已审核待县人社局批准",
            "county-approved" => "县人社局已批准",
            "filed" => "已报市人社局备案",
            "carried-over" => "沿用上年度方案",
            "lapsed" => "已失效",
            _ => state,
        };

    public static string SchemeStateColor(string state) =>
        state switch
        {
            "draft" => "default",
            "submitted" or "township-approved" => "processing",
            "county-approved" or "filed" or "carried-over" => "success",
            _ => "default",
        };

    public static string PilotStatus(string? status) =>
        status switch
        {
            null => "未申请",
            "applied" => "已申请待批准",
            "rejected" => "申请被驳回",
            "active" => "试点实施中",
            "suspended" => "已暂停",
            _ => status,
        };

    public static string Membership(string? basis) =>
        basis switch
        {
            "roster" => "成员名册",
            "insured-in-village" => "本村参保人员",
            _ => basis ?? "—",
        };

    public static string Stacking(string? rule) =>
        rule switch
        {
            "sum" => "叠加（托底加激励）",
            "max" => "就高（取两者较高）",
            _ => rule ?? "—",
        };

    public static readonly (string Code, string Name)[] SpecialGroups =
    [
        ("dibao", "低保对象"),
        ("tekun", "特困人员"),
        ("severe-disability", "重度残疾人"),
        ("wubao", "五保户"),
        ("poverty-monitoring", "脱贫/防止返贫监测对象"),
    ];

    public static string SpecialGroup(string? code) =>
        code is null
            ? "一般参保人员"
            : SpecialGroups
                .FirstOrDefault(g =>
                    string.Equals(g.Code, code, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(
                        g.Code.Replace("-", ""),
                        code,
                        StringComparison.OrdinalIgnoreCase
                    )
                )
                .Name
                ?? code;

    public static string DonorKind(string? kind) =>
        kind switch
        {
            "organisation" => "经济组织",
            "individual" => "个人（乡贤、致富能手）",
            "charity" => "社会公益组织",
            _ => kind ?? "—",
        };

    public static string Management(string? managedBy) =>
        managedBy switch
        {
            "collective" => "集体管理（计入预算）",
            "direct" => "直接资助（不计入预算）",
            _ => managedBy ?? "—",
        };

    public static string DocumentKind(string kind) =>
        kind switch
        {
            "roster-xlsx" => "花名册（XLSX）",
            "roster-pdf" => "花名册（PDF）",
            "notice-pdf" => "公示（PDF）",
            "application-pdf" => "申报表（PDF）",
            "payment-notice-pdf" => "缴费通知单（PDF）",
            "credited-xlsx" => "到账明细（XLSX）",
            "credited-csv" => "到账明细（CSV）",
            "summary-xlsx" => "年度汇总表（XLSX）",
            "assessment-xlsx" => "考核表（XLSX）",
            "assessment-pdf" => "考核表（PDF）",
            _ => kind,
        };

    public static readonly string[] DocumentKinds =
    [
        "roster-xlsx",
        "roster-pdf",
        "notice-pdf",
        "application-pdf",
        "payment-notice-pdf",
        "credited-xlsx",
        "credited-csv",
        "summary-xlsx",
        "assessment-xlsx",
        "assessment-pdf",
    ];

    public static string ObjectionState(string state) =>
        state switch
        {
            "open" => "待处理",
            "upheld" => "已采纳",
            "dismissed" => "不予采纳",
            "void" => "已作废",
            _ => state,
        };

    public static string Decision(string? decision) =>
        decision switch
        {
            "accept" => "按实缴金额确认",
            "dismiss" => "不予确认",
            null => "—",
            _ => decision,
        };

    /// <summary>
    /// The settlement of a village-year (docs/design/05-settlement.md), in order, for the Steps
    /// bar: short step titles, not the states' names (<see cref="SettlementStates"/>).
    /// </summary>
    public static readonly (string State, string Title)[] SettlementSteps =
    [
        ("calculated", "已测算"),
        ("confirmed", "村确认"),
        ("notice-published", "公示"),
        ("notice-closed", "公示结束"),
        ("application-submitted", "申报"),
        ("approved", "县审核"),
        ("payment-notice-issued", "缴费通知"),
        ("paid", "已缴费"),
        ("credited", "已到账"),
    ];

    /// <summary>
    /// Every settlement state with its name from the contracts, in the order of the settlement; a
    /// suspended pilot is off that path, so lists and charts show it last.
    /// </summary>
    public static readonly (string State, string Name)[] SettlementStates =
    [
        .. Enum.GetValues<Subsidy.Contracts.SettlementState>()
            .OrderBy(state => state == Subsidy.Contracts.SettlementState.Suspended)
            .Select(state => (EnumCodes.Of(state), SettlementStateNames.ChineseName(state))),
    ];

    public static string SettlementState(string state) => SettlementStateNames.ChineseName(state);

    public static string StateColor(string state) =>
        state switch
        {
            "waiting-for-inputs" => "default",
            "suspended" => "red",
            "credited" => "green",
            "paid" => "cyan",
            "calculated" => "orange",
            _ => "blue",
        };

    public static string Level(string level) =>
        level switch
        {
            "province" => "省",
            "city" => "市",
            "county" => "县",
            "township" => "乡镇",
            "village" => "村(居)",
            _ => level,
        };
}
