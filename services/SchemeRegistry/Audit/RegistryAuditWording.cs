using SchemeRegistry.Pilots;
using SchemeRegistry.Schemes;
using Subsidy.Contracts;
using Subsidy.ServiceData;

namespace SchemeRegistry.Audit;

/// <summary>The registry's audit entries in Chinese: its workflows' own action names.</summary>
public static class RegistryAuditWording
{
    public static AuditWording Create() =>
        new(
            "divisions",
            new Dictionary<string, string>
            {
                ["scheme"] = "集体补助方案",
                ["pilot"] = "试点",
                ["division"] = "区划",
                ["policy-year"] = "年度政策参数",
            },
            Enum.GetValues<SchemeAction>()
                .Select(a =>
                    (
                        AuditWording.ActionKey("scheme", EnumCodes.Of(a)),
                        SchemeWorkflow.ActionName(a)
                    )
                )
                .Concat(
                    Enum.GetValues<PilotAction>()
                        .Select(a =>
                            (
                                AuditWording.ActionKey("pilot", a.ToString().ToLowerInvariant()),
                                PilotWorkflow.ActionName(a)
                            )
                        )
                )
                .Concat([
                    (AuditWording.ActionKey("scheme", "create"), "新建方案"),
                    (AuditWording.ActionKey("scheme", "carry-over"), "沿用上年度方案"),
                    (AuditWording.ActionKey("scheme", "lapse"), "方案逾期失效"),
                    (AuditWording.ActionKey("division", "create"), "新增区划"),
                    (AuditWording.ActionKey("division", "update"), "修改区划"),
                    (AuditWording.ActionKey("policy-year", "create"), "设定年度政策参数"),
                    (AuditWording.ActionKey("policy-year", "update"), "修改年度政策参数"),
                ])
                .ToDictionary(a => a.Item1, a => a.Item2)
        );
}
