using Dapper;
using Subsidy.Contracts;
using Subsidy.ServiceData.Crypto;
using Subsidy.ServiceDefaults.Auth;

namespace Calculation.Settlement;

/// <summary>Issuing the 缴费通知单 and recording the tax bureau's receipt against it.</summary>
public static class PaymentNotices
{
    private const string TotalSql = """
        SELECT v.run_id, r.organisation_name, r.credit_code, r.amount AS total
        FROM village_years v JOIN calculation_runs r ON r.id = v.run_id
        WHERE v.village_code = @VillageCode AND v.year = @Year
        """;

    // The counter row stays locked until the transaction ends, so numbers are handed out in order
    // and without gaps.
    private const string NextNumberSql = """
        INSERT INTO payment_notice_counters (county_code, year, last_number) VALUES (@county, @Year, 1)
        ON CONFLICT (county_code, year) DO UPDATE SET last_number = payment_notice_counters.last_number + 1
        RETURNING last_number
        """;

    private const string InsertSql = """
        INSERT INTO payment_notices (number, village_code, year, county_code, run_id, payer,
            credit_code, amount, issued_on, due_on)
        VALUES (@number, @VillageCode, @Year, @county, @RunId, @payer, @CreditCode, @Total, @Today, @dueOn)
        """;

    private const string LinesSql = """
        SELECT person, coalesce(adjusted_subsidy, subsidy) AS amount FROM member_results
        WHERE run_id = @RunId AND coalesce(adjusted_subsidy, subsidy) > 0
        """;

    private sealed record Basis(
        Guid RunId,
        string? OrganisationName,
        string? CreditCode,
        decimal Total
    );

    public static async Task<Refusal?> IssueAsync(StepContext step)
    {
        var c = step.Work.Connection;
        var t = step.Work.Transaction;
        var basis = await c.QuerySingleAsync<Basis>(
            new CommandDefinition(
                TotalSql,
                new { step.VillageCode, step.Year },
                t,
                cancellationToken: step.CancellationToken
            )
        );
        if (PaymentRules.WhyCannotIssue(basis.Total, basis.OrganisationName) is { } why)
            return Refusal.Conflict(why);
        var county = step.VillageCode[..6];
        var sequence = await c.ExecuteScalarAsync<int>(
            new CommandDefinition(
                NextNumberSql,
                new { county, step.Year },
                t,
                cancellationToken: step.CancellationToken
            )
        );
        var number = PaymentRules.NoticeNumber(county, step.Year, sequence);
        var dueOn = PaymentRules.DueOn(step.Today);
        await c.ExecuteAsync(
            new CommandDefinition(
                InsertSql,
                new
                {
                    number,
                    step.VillageCode,
                    step.Year,
                    county,
                    basis.RunId,
                    payer = basis.OrganisationName,
                    basis.CreditCode,
                    basis.Total,
                    step.Today,
                    dueOn,
                },
                t,
                cancellationToken: step.CancellationToken
            )
        );
        var lines = (
            await c.QueryAsync<(byte[] Person, decimal Amount)>(
                new CommandDefinition(
                    LinesSql,
                    new { basis.RunId },
                    t,
                    cancellationToken: step.CancellationToken
                )
            )
        )
            .Select(l =>
            {
                var (name, idNumber) = PersonalData.Current.OpenPerson(l.Person);
                return new PaymentLine(idNumber, name, l.Amount);
            })
            .OrderBy(l => l.IdNumber, StringComparer.Ordinal)
            .ToList();
        await step.Work.PublishAsync(
            new PaymentRequested(
                number,
                step.VillageCode,
                county,
                step.Year,
                basis.OrganisationName!,
                basis.CreditCode,
                basis.Total,
                dueOn,
                lines
            ),
            step.CancellationToken
        );
        return null;
    }

    private const string NoticeAmountSql =
        "SELECT number, amount FROM payment_notices WHERE village_code = @VillageCode AND year = @Year";

    private const string ReceiptTakenSql =
        "SELECT EXISTS (SELECT 1 FROM tax_bureau_answers WHERE receipt_number = @receiptNumber AND outcome = 'matched')";

    private const string RecordReceiptSql = """
        INSERT INTO tax_bureau_answers (id, kind, notice_number, receipt_number, amount, paid_at, outcome)
        VALUES (@id, 'receipt', @Number, @receiptNumber, @amount, @paidAt, 'matched')
        ON CONFLICT (receipt_number) DO NOTHING;
        UPDATE payment_notices SET receipt_number = @receiptNumber, paid_amount = @amount, paid_at = @paidAt
        WHERE village_code = @VillageCode AND year = @Year;
        """;

    /// <summary>A receipt that matches the notice: recorded (its number once only) and the notice
    /// marked paid.</summary>
    public static async Task<Refusal?> RecordReceiptAsync(
        StepContext step,
        string? receiptNumber,
        decimal? amount,
        DateTimeOffset paidAt,
        bool allowDifference = false
    )
    {
        var notice = await step.QuerySingleAsync<(string Number, decimal Amount)>(
            NoticeAmountSql,
            new { step.VillageCode, step.Year }
        );
        var errors = PaymentRules
            .WhyReceiptDoesNotMatch(notice.Amount, receiptNumber, amount)
            .Where(e => !allowDifference || e.Field != "amount");
        if (Refusal.Invalid(errors) is { } invalid)
            return invalid;
        if (await step.ScalarAsync<bool>(ReceiptTakenSql, new { receiptNumber }))
        {
            return Refusal.Conflict($"缴费凭证 {receiptNumber} 已登记过。");
        }
        await step.ExecuteAsync(
            RecordReceiptSql,
            new
            {
                id = Guid.CreateVersion7(),
                notice.Number,
                receiptNumber,
                amount,
                paidAt = paidAt.UtcDateTime,
                step.VillageCode,
                step.Year,
            }
        );
        return null;
    }
}
