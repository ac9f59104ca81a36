using Calculation.Settlement;
using Subsidy.Contracts;
using Subsidy.ServiceData;

namespace Calculation.Audit;

/// <summary>The calculation's audit entries in Chinese: the settlement steps' own names and the
/// county's decisions on tax-bureau receipts.</summary>
public static class CalculationAuditWording
{
    public static AuditWording Create() =>
        new(
            "known_divisions",
            new Dictionary<string, string>
            {
                ["village-year"] = "村年度",
                ["tax-bureau-answer"] = "税务回执",
            },
            Enum.GetValues<SettlementStep>()
                .Select(s =>
                    (
                        AuditWording.ActionKey("village-year", EnumCodes.Of(s)),
                        SettlementWorkflow.ActionName(s)
                    )
                )
                .Concat([
                    (AuditWording.ActionKey("tax-bureau-answer", "accept"), "按实缴金额确认缴费"),
                    (AuditWording.ActionKey("tax-bureau-answer", "dismiss"), "不予确认"),
                ])
                .ToDictionary(a => a.Item1, a => a.Item2),
            ReconciliationRules.OutcomeNames
        );
}
