using Calculation.Rules;
using Subsidy.Contracts;
using Subsidy.ServiceData.Crypto;

namespace Calculation.Settlement;

/// <summary>The members' lines of a village-year as its documents list them, for the step events
/// that carry them.</summary>
public static class SettlementSnapshots
{
    /// <summary>The latest run's lines; parameters @villageCode and @year.</summary>
    public const string LinesSql = """
        SELECT m.person, m.special_group, m.tier, m.own, coalesce(m.adjusted_subsidy,
            m.subsidy) AS subsidy, m.exclusion, m.flags,
               m.objection_id IS NOT NULL AS adjusted
        FROM village_years v JOIN member_results m ON m.run_id = v.run_id
        WHERE v.village_code = @villageCode AND v.year = @year
        """;

    /// <summary>
    /// The steps whose documents list the members (花名册, 公示, 到账明细); the rest publish counts and
    /// totals only, which is all the one-page 申报表 and 缴费通知单 show (a city's year is thousands of
    /// steps, most of them needing no list).
    /// </summary>
    public static bool CarriesLines(SettlementStep step) =>
        step is SettlementStep.Confirm or SettlementStep.PublishNotice or SettlementStep.Credit;

    // Dapper binds a text[] column to a settable string[] property, not to a constructor parameter.
    public sealed class Line
    {
        public string IdNumber { get; private set; } = "";
        public string Name { get; private set; } = "";

        public byte[] Person
        {
            set => (Name, IdNumber) = PersonalData.Current.OpenPerson(value);
        }

        public string? SpecialGroup { get; set; }
        public decimal? Tier { get; set; }
        public decimal Own { get; set; }
        public decimal Subsidy { get; set; }
        public string? Exclusion { get; set; }
        public string[] Flags { get; set; } = [];
        public bool Adjusted { get; set; }
    }

    public static SettlementLine ToLine(Line l) =>
        new(
            l.IdNumber,
            l.Name,
            SpecialGroups.FromCode(l.SpecialGroup),
            l.Tier,
            l.Own,
            l.Subsidy,
            l.Exclusion,
            l.Flags,
            l.Adjusted ? "异议采纳调整"
                : l.Exclusion is null ? null
                : ResultCodes.NameOf(l.Exclusion)
        );
}
