using Dapper;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Messaging;
using Subsidy.ServiceDefaults;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Time;

namespace Calculation.Settlement;

/// <summary>
/// The tax bureau acts for the county centre when its receipt matches: the audit names it as the
/// actor.
/// </summary>
public static class TaxBureau
{
    public static Caller For(string villageCode) =>
        new("tax-bureau", "县税务局", Roles.CountyCentre, villageCode[..6]);

    private const string NoticeSql = """
        SELECT n.village_code, n.year, n.amount, v.state
        FROM payment_notices n JOIN village_years v ON v.village_code = n.village_code AND v.year = n.year
        WHERE n.number = @notice FOR UPDATE OF v
        """;

    public sealed record Notice(string VillageCode, int Year, decimal Amount, string State);

    public static Task<Notice?> FindAsync(
        UnitOfWork work,
        string notice,
        CancellationToken cancellationToken
    ) =>
        work.Connection.QuerySingleOrDefaultAsync<Notice>(
            new CommandDefinition(
                NoticeSql,
                new { notice },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );

    public static Task ParkAsync(
        UnitOfWork work,
        string kind,
        string notice,
        string? receipt,
        decimal? amount,
        DateTimeOffset? paidAt,
        string? reason,
        string outcome,
        string? detail,
        CancellationToken cancellationToken
    ) =>
        work.Connection.ExecuteAsync(
            new CommandDefinition(
                """
                INSERT INTO tax_bureau_answers (id, kind, notice_number, receipt_number, amount,
                    paid_at, reason, outcome, detail)
                VALUES (@id, @kind, @notice, @receipt, @amount, @paidAt, @reason, @outcome, @detail)
                ON CONFLICT (receipt_number) DO NOTHING
                """,
                new
                {
                    id = Guid.CreateVersion7(),
                    kind,
                    notice,
                    receipt,
                    amount,
                    paidAt = paidAt?.UtcDateTime,
                    reason,
                    outcome,
                    detail,
                },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
}

/// <summary>
/// 缴费回执: equal amount → paid; otherwise the receipt waits for the county centre. A repeated receipt
/// changes nothing.
/// </summary>
public sealed class PaymentReceivedConsumer(NpgsqlDataSource dataSource, BusinessClock clock)
    : IdempotentConsumer<PaymentReceived>(dataSource)
{
    protected override async Task HandleAsync(
        PaymentReceived m,
        UnitOfWork work,
        CancellationToken cancellationToken
    )
    {
        var seen = await work.Connection.ExecuteScalarAsync<bool>(
            new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM tax_bureau_answers WHERE receipt_number = @ReceiptNumber)",
                new { m.ReceiptNumber },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
        var notice = await TaxBureau.FindAsync(work, m.NoticeNumber, cancellationToken);
        var outcome = ReconciliationRules.Reconcile(seen, notice?.Amount, notice?.State, m.Amount);
        switch (outcome)
        {
            case ReceiptOutcome.Duplicate:
                return;
            case ReceiptOutcome.Matched:
                var (refusal, _) = await SettlementSteps.TakeAsync(
                    work,
                    notice!.VillageCode,
                    notice.Year,
                    SettlementStep.RecordPayment,
                    TaxBureau.For(notice.VillageCode),
                    clock.Now,
                    m.ReceiptNumber,
                    step =>
                        PaymentNotices.RecordReceiptAsync(
                            step,
                            m.ReceiptNumber,
                            m.Amount,
                            m.PaidAt
                        ),
                    cancellationToken
                );
                if (refusal is not null)
                {
                    throw new InvalidOperationException(
                        $"receipt {m.ReceiptNumber} matched but could not be recorded: {refusal.Message}"
                    );
                }
                return;
            default:
                await TaxBureau.ParkAsync(
                    work,
                    "receipt",
                    m.NoticeNumber,
                    m.ReceiptNumber,
                    m.Amount,
                    m.PaidAt,
                    null,
                    EnumCodes.Of(outcome),
                    ReconciliationRules.Detail(outcome, notice?.Amount, m.Amount, notice?.State),
                    cancellationToken
                );
                return;
        }
    }
}

/// <summary>
/// The tax bureau refused a notice: it stays issued, with the reason shown; one for an unknown
/// notice is parked.
/// </summary>
public sealed class PaymentRejectedConsumer(NpgsqlDataSource dataSource, BusinessClock clock)
    : IdempotentConsumer<PaymentRejected>(dataSource)
{
    protected override async Task HandleAsync(
        PaymentRejected m,
        UnitOfWork work,
        CancellationToken cancellationToken
    )
    {
        var notice = await TaxBureau.FindAsync(work, m.NoticeNumber, cancellationToken);
        if (notice is null || notice.State != SettlementStates.PaymentNoticeIssued)
        {
            var outcome = notice is null ? "unknown-notice" : "not-awaiting-payment";
            var detail = notice is null
                ? "系统中没有这张缴费通知单。"
                : $"该村年度当前状态为“{SettlementStateNames.ChineseName(notice.State)}”。";
            await TaxBureau.ParkAsync(
                work,
                "rejection",
                m.NoticeNumber,
                null,
                null,
                null,
                m.Reason,
                outcome,
                detail,
                cancellationToken
            );
            return;
        }
        await work.Connection.ExecuteAsync(
            new CommandDefinition(
                """
                UPDATE payment_notices SET rejection_reason = @Reason, rejected_at = @at WHERE
                    number = @NoticeNumber;
                INSERT INTO tax_bureau_answers (id, kind, notice_number, reason, outcome) VALUES
                    (@id, 'rejection', @NoticeNumber, @Reason, 'rejected');
                """,
                new
                {
                    m.Reason,
                    at = m.RejectedAt.UtcDateTime,
                    m.NoticeNumber,
                    id = Guid.CreateVersion7(),
                },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
        await SettlementSteps.RecordAsync(
            work,
            notice.VillageCode,
            notice.Year,
            SettlementStep.PaymentRejected,
            notice.State,
            notice.State,
            TaxBureau.For(notice.VillageCode),
            m.Reason,
            clock.Now,
            cancellationToken
        );
    }
}
