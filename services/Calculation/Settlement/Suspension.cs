using Dapper;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Auth;

namespace Calculation.Settlement;

/// <summary>
/// 暂停: a suspended pilot halts every unpaid village-year of the village where it stands (已到帐的不予退费,
/// so paid and credited years are left alone); resuming the pilot returns each to the step it was
/// halted at.
/// </summary>
public static class Suspension
{
    /// <summary>The registry's decision is the actor: the suspension was filed there, by the county
    /// bureau.</summary>
    public static readonly Caller Registry = new(
        "scheme-registry",
        "试点管理",
        Roles.CountyBureau,
        ""
    );

    public static readonly string[] Unpaid =
    [
        SettlementStates.WaitingForInputs,
        SettlementStates.Calculated,
        SettlementStates.Confirmed,
        SettlementStates.NoticePublished,
        SettlementStates.NoticeClosed,
        SettlementStates.ApplicationSubmitted,
        SettlementStates.Approved,
        SettlementStates.PaymentNoticeIssued,
    ];

    public static async Task HaltAsync(
        UnitOfWork work,
        string villageCode,
        string? reason,
        DateTimeOffset at,
        CancellationToken cancellationToken
    )
    {
        var halted = await work.Connection.QueryAsync<(int Year, string From)>(
            new CommandDefinition(
                """
                UPDATE village_years v SET suspended_from = old.state, state = 'suspended'
                FROM (SELECT village_code, year, state FROM village_years WHERE village_code =
                    @villageCode AND state = ANY(@Unpaid) FOR UPDATE) old
                WHERE v.village_code = old.village_code AND v.year = old.year
                RETURNING v.year, old.state
                """,
                new { villageCode, Unpaid },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
        foreach (var (year, from) in halted)
        {
            await SettlementSteps.RecordAsync(
                work,
                villageCode,
                year,
                SettlementStep.Suspend,
                from,
                SettlementStates.Suspended,
                Registry,
                reason,
                at,
                cancellationToken
            );
        }
    }

    /// <summary>Returns halted village-years to where they were; those not yet confirmed are
    /// recalculated with whatever changed meanwhile.</summary>
    public static async Task ResumeAsync(
        UnitOfWork work,
        string villageCode,
        DateTimeOffset at,
        CancellationToken cancellationToken
    )
    {
        var resumed = await work.Connection.QueryAsync<(int Year, string To)>(
            new CommandDefinition(
                """
                UPDATE village_years SET state = suspended_from, suspended_from = NULL
                WHERE village_code = @villageCode AND state = 'suspended' AND suspended_from IS NOT NULL
                RETURNING year, state
                """,
                new { villageCode },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
        foreach (var (year, to) in resumed)
        {
            await SettlementSteps.RecordAsync(
                work,
                villageCode,
                year,
                SettlementStep.Resume,
                SettlementStates.Suspended,
                to,
                Registry,
                null,
                at,
                cancellationToken
            );
        }
    }
}
