namespace Subsidy.ServiceData.Operations;

/// <summary>The Chinese name of each message that travels between the services, for the operator's
/// dead-letter list.</summary>
public static class MessageLabels
{
    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["AccountAccessRevoked"] = "账号停用通知",
        ["AccountRevocationsResyncRequested"] = "停用账号重新同步请求",
        ["AccountRevocationsResyncAnswered"] = "停用账号重新同步应答",
        ["ContributionBatchAccepted"] = "缴费明细批次已接收",
        ["DivisionChanged"] = "区划变更",
        ["PaymentRequested"] = "缴费通知单推送税务",
        ["PaymentReceived"] = "税务到账回执",
        ["PaymentRejected"] = "税务退回回执",
        ["PilotStatusChanged"] = "试点状态变更",
        ["PolicyYearChanged"] = "年度政策参数变更",
        ["ReferenceDataResyncRequested"] = "基础数据重新同步请求",
        ["ReferenceDataResyncAnswered"] = "基础数据重新同步应答",
        ["RosterAccepted"] = "成员名册已接收",
        ["SchemeTermsPublished"] = "补助方案生效",
        ["SettlementStepTaken"] = "村年度结算环节办理",
        ["VillageContributions"] = "村缴费明细",
    };

    /// <summary>The message type's name from its MassTransit URN
    /// ("urn:message:Subsidy.Contracts:SettlementStepTaken").</summary>
    public static string TypeName(string? urn) =>
        string.IsNullOrEmpty(urn) ? "" : urn[(urn.LastIndexOf(':') + 1)..];

    public static string Label(string typeName) =>
        Labels.TryGetValue(typeName, out var label) ? label
        : typeName.Length == 0 ? "未知消息"
        : $"其他消息（{typeName}）";
}
