using Calculation.Settlement;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Time;

namespace Calculation.Apis;

public sealed record TaxBureauAnswerView(
    Guid Id,
    string Kind,
    string NoticeNumber,
    string? ReceiptNumber,
    decimal? Amount,
    DateTime? PaidAt,
    string? Reason,
    DateTime ReceivedAt,
    string Outcome,
    string? Detail,
    string? Decision,
    string? Resolution,
    string? ResolvedBy,
    DateTime? ResolvedAt,
    bool Open
)
{
    /// <summary>The outcome in Chinese, as the portal shows it.</summary>
    public string OutcomeName => ReconciliationRules.OutcomeName(Outcome);
}

public sealed record ResolveAnswerRequest(string? Decision, string? Reason);

/// <summary>对账: what the tax bureau answered, and the county centre's resolution of what did not
/// match.</summary>
public static class TaxBureauApi
{
    private const string Columns = """
        id, kind, notice_number, receipt_number, amount, paid_at, reason, received_at, outcome, detail, decision, resolution, resolved_by, resolved_at,
        (resolved_at IS NULL AND outcome IN ('discrepancy', 'unknown-notice', 'not-awaiting-payment')) AS open
        """;

    public static RouteGroupBuilder MapTaxBureauApi(this RouteGroupBuilder group)
    {
        var answers = group.MapGroup("/tax-bureau/answers");
        answers
            .MapGet("/", List)
            .RequireRoles(Roles.CountyCentre, Roles.CountyBureau, Roles.CityBureau, Roles.Auditor);
        answers.MapPost("/{id:guid}/resolution", Resolve).RequireRoles(Roles.CountyCentre);
        return group;
    }

    private const string FindSql = $"SELECT {Columns} FROM tax_bureau_answers WHERE id = @id";

    private const string ResolveSql =
        "UPDATE tax_bureau_answers SET decision = @Decision, resolution = @reason, resolved_by = @by, resolved_at = now() WHERE id = @id";

    private const string ListSql = $"""
        SELECT * FROM (SELECT {Columns} FROM tax_bureau_answers WHERE notice_number LIKE @scope || '%') a
        WHERE @open IS NOT TRUE OR a.open
        ORDER BY received_at, id
        """;

    /// <summary>Answers for notices in the caller's scope (a notice number starts with its county's
    /// code); <c>open=true</c> for those waiting on the county.</summary>
    public static async Task<Ok<IReadOnlyList<TaxBureauAnswerView>>> List(
        bool? open,
        HttpContext http,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (caller.Scope.Length == 0)
            return TypedResults.Ok<IReadOnlyList<TaxBureauAnswerView>>([]);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TaxBureauAnswerView>(
            new CommandDefinition(
                ListSql,
                new { scope = caller.Scope, open },
                cancellationToken: cancellationToken
            )
        );
        return TypedResults.Ok<IReadOnlyList<TaxBureauAnswerView>>(rows.AsList());
    }

    /// <summary>
    /// accept: a discrepancy is taken as the payment (paid with the amount received, the reason
    /// recorded); dismiss: the answer is set aside and the notice keeps waiting for a matching
    /// payment.
    /// </summary>
    public static async Task<Results<Ok<TaxBureauAnswerView>, ProblemHttpResult>> Resolve(
        Guid id,
        ResolveAnswerRequest? body,
        HttpContext http,
        NpgsqlDataSource dataSource,
        BusinessClock clock,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        await using var work = await UnitOfWork.BeginAsync(dataSource, cancellationToken);
        var answer = await work.Connection.QuerySingleOrDefaultAsync<TaxBureauAnswerView>(
            new CommandDefinition(
                FindSql + " FOR UPDATE",
                new { id },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
        if (answer is null)
            return Problems.NotFound($"回执 {id} 不存在。");
        var county = PaymentRules.CountyOf(answer.NoticeNumber);
        if (!caller.Covers(county))
            return Problems.OutOfScope(caller, county);
        if (
            ReconciliationRules.WhyCannotResolve(
                answer.Outcome,
                answer.ResolvedAt is not null,
                body?.Decision,
                body?.Reason
            ) is
            { } why
        )
            return Problems.Conflict(why);
        if (body!.Decision == "accept")
        {
            var notice = await TaxBureau.FindAsync(work, answer.NoticeNumber, cancellationToken);
            if (notice is null)
                return Problems.Conflict("缴费通知单不存在，不能确认缴费。");
            var (refusal, _) = await SettlementSteps.TakeAsync(
                work,
                notice.VillageCode,
                notice.Year,
                SettlementStep.RecordPayment,
                caller,
                clock.Now,
                $"按实缴金额确认：{body.Reason!.Trim()}",
                // The receipt row stays as it is (its number is taken), now with the county's
                // decision beside it.
                step =>
                    PaymentNotices.RecordReceiptAsync(
                        step,
                        answer.ReceiptNumber,
                        answer.Amount,
                        answer.PaidAt is { } paidAt
                            ? new DateTimeOffset(paidAt, TimeSpan.Zero)
                            : step.At,
                        allowDifference: true
                    ),
                cancellationToken
            );
            if (refusal is not null)
                return Problems.Conflict(
                    refusal.Message ?? string.Join("；", refusal.Errors.Select(e => e.Message))
                );
        }
        await work.Connection.ExecuteAsync(
            new CommandDefinition(
                ResolveSql,
                new
                {
                    body.Decision,
                    reason = body.Reason!.Trim(),
                    by = caller.UserId,
                    id,
                },
                work.Transaction,
                cancellationToken: cancellationToken
            )
        );
        await work.RecordAsync(
            caller,
            "tax-bureau-answer",
            id.ToString(),
            county,
            body.Decision!,
            answer.Outcome,
            "resolved",
            body.Reason!.Trim(),
            cancellationToken
        );
        await work.CommitAsync(cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return TypedResults.Ok(
            await connection.QuerySingleAsync<TaxBureauAnswerView>(
                new CommandDefinition(FindSql, new { id }, cancellationToken: cancellationToken)
            )
        );
    }
}
