using Calculation.Audit;
using Calculation.Settlement;
using Identity.Accounts;
using SchemeRegistry.Audit;
using SchemeRegistry.Pilots;
using SchemeRegistry.Schemes;
using Subsidy.Contracts;
using Subsidy.ServiceData;

namespace Subsidy.UnitTests.ServiceData;

public class AuditWordingTests
{
    private static AuditEntry Entry(
        string entity,
        string key,
        string division,
        string action,
        string? from = null,
        string? to = null
    ) =>
        new(
            1,
            entity,
            key,
            division,
            action,
            from,
            to,
            null,
            "fl-clerk",
            "village-clerk",
            DateTime.UnixEpoch
        );

    private static bool IsChinese(string text) => text.Any(c => c > 0x2E7F);

    [Fact]
    public void A_village_year_step_reads_as_the_step_the_village_year_and_its_division()
    {
        var view = CalculationAuditWording
            .Create()
            .Present(
                Entry(
                    "village-year",
                    "360222205233/2026",
                    "360222205233",
                    "approve",
                    "已提交申报表",
                    "县社保中心已审核"
                ) with
                {
                    DivisionName = "礼芳村",
                }
            );
        Assert.Equal(
            ("村年度", "礼芳村 2026年度", "礼芳村", "审核通过", "已提交申报表", "县社保中心已审核"),
            (
                view.EntityName,
                view.ObjectName,
                view.DivisionName,
                view.ActionName,
                view.FromStateName,
                view.ToStateName
            )
        );
    }

    [Fact]
    public void A_scheme_is_named_by_its_village_not_by_its_id()
    {
        var view = RegistryAuditWording
            .Create()
            .Present(
                Entry(
                    "scheme",
                    "01a24e4e-7ca2-7cc2-bfd4-ff979f8f43e4",
                    "360222205233",
                    "approve-township"
                ) with
                {
                    DivisionName = "礼芳村",
                }
            );
        Assert.Equal(
            ("集体补助方案", "礼芳村", "乡镇审核通过"),
            (view.EntityName, view.ObjectName, view.ActionName)
        );
    }

    [Fact]
    public void Every_action_the_workflows_record_has_a_Chinese_name()
    {
        var registry = RegistryAuditWording.Create();
        var recorded = Enum.GetValues<SchemeAction>()
            .Select(a => registry.Present(Entry("scheme", "x", "360222205233", EnumCodes.Of(a))))
            .Concat(
                Enum.GetValues<PilotAction>()
                    .Select(a =>
                        registry.Present(
                            Entry(
                                "pilot",
                                "360222205233",
                                "360222205233",
                                a.ToString().ToLowerInvariant()
                            )
                        )
                    )
            )
            .Concat(
                Enum.GetValues<SettlementStep>()
                    .Select(s =>
                        CalculationAuditWording
                            .Create()
                            .Present(
                                Entry(
                                    "village-year",
                                    "360222205233/2026",
                                    "360222205233",
                                    EnumCodes.Of(s)
                                )
                            )
                    )
            )
            .Concat(
                new[] { "create", "disable", "password-reset", "client-secret" }.Select(a =>
                    AccountAuditWording
                        .Create()
                        .Present(Entry(AccountChanges.Entity, "fl-clerk", "360222", a))
                )
            )
            .ToList();
        Assert.All(recorded, v =>
            Assert.True(IsChinese(v.ActionName) && !v.ActionName.StartsWith("其他"), v.Action)
        );
        Assert.Equal("重置密码", recorded[^2].ActionName);
    }

    [Fact]
    public void A_code_no_service_names_reads_as_other_never_as_itself()
    {
        var view = AuditWording
            .ForReplica()
            .Present(Entry("something-new", "abc", "360222", "do-it", "open", "resolved"));
        Assert.Equal(
            ("其他对象", "其他操作", "其他状态", "360222"),
            (view.EntityName, view.ActionName, view.FromStateName, view.DivisionName)
        );
    }

    [Fact]
    public void A_tax_bureau_receipts_outcome_and_a_dead_letter_read_in_Chinese()
    {
        var answer = CalculationAuditWording
            .Create()
            .Present(
                Entry("tax-bureau-answer", "17", "360222", "accept", "discrepancy", "resolved") with
                {
                    DivisionName = "浮梁县",
                }
            );
        Assert.Equal(
            ("税务回执", "第 17 号", "按实缴金额确认缴费", "金额不符", "已处理"),
            (
                answer.EntityName,
                answer.ObjectName,
                answer.ActionName,
                answer.FromStateName,
                answer.ToStateName
            )
        );
        var letter = AuditWording
            .ForReplica()
            .Present(
                Entry(
                    "dead-letter",
                    "calculation_error#42",
                    "3602",
                    "重新投递",
                    "待处理",
                    "已重新投递"
                ) with
                {
                    DivisionName = "景德镇市",
                }
            );
        Assert.Equal(
            ("死信消息", "第 42 号", "重新投递"),
            (letter.EntityName, letter.ObjectName, letter.ActionName)
        );
    }
}
