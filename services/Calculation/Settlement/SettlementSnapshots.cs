using Calculation.Rules;
using Dapper;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Data;

namespace Calculation.Settlement;

/// <summary>A village-year as it stands, for the step event that the document service and tax-bureau integration read.</summary>
public static class SettlementSnapshots
{
    private const string HeadSql = """
        SELECT v.run_id, r.organisation_name, r.credit_code, coalesce(r.budget, 0) AS budget, v.notice_start, v.notice_end,
               coalesce(r.members, 0) AS members, coalesce(r.eligible, 0) AS eligible,
               coalesce(r.amount, 0) AS total, coalesce(r.recipients, 0) AS recipients
        FROM village_years v LEFT JOIN calculation_runs r ON r.id = v.run_id
        WHERE v.village_code = @village AND v.year = @year
        """;

    private const string LinesSql = """
        SELECT id_number, name, special_group, tier, own, coalesce(adjusted_subsidy, subsidy) AS subsidy, exclusion, flags, objection_id IS NOT NULL AS adjusted
        FROM member_results WHERE run_id = @runId ORDER BY id_number
        """;

    private const string NoticeSql = """
        SELECT number, county_code, amount, issued_on, due_on, receipt_number, paid_at
        FROM payment_notices WHERE village_code = @village AND year = @year
        """;

    private sealed record Head(Guid? RunId, string? OrganisationName, string? CreditCode, decimal Budget, DateOnly? NoticeStart, DateOnly? NoticeEnd, int Members, int Eligible,
        decimal Total, int Recipients);

    private sealed record Line(string IdNumber, string Name, string? SpecialGroup, decimal? Tier, decimal Own, decimal Subsidy, string? Exclusion, string Flags, bool Adjusted);

    private sealed record Notice(string Number, string CountyCode, decimal Amount, DateOnly IssuedOn, DateOnly DueOn, string? ReceiptNumber, DateTime? PaidAt);

    /// <summary>
    /// The steps whose documents list the members (花名册, 公示, 到账明细); the rest publish counts and totals only, which is
    /// all the one-page 申报表 and 缴费通知单 show (a city's year is ~14,000 steps).
    /// </summary>
    public static bool CarriesLines(string step) => step is "confirm" or "publish-notice" or "credit";

    public static async Task<SettlementSnapshot> ReadAsync(UnitOfWork work, string village, int year, bool withLines, CancellationToken cancellationToken)
    {
        var c = work.Connection;
        var head = await c.QuerySingleAsync<Head>(new CommandDefinition(HeadSql, new { village, year }, work.Transaction, cancellationToken: cancellationToken));
        var lines = withLines && head.RunId is { } runId
            ? (await c.QueryAsync<Line>(new CommandDefinition(LinesSql, new { runId }, work.Transaction, cancellationToken: cancellationToken))).Select(ToLine).ToList()
            : [];
        var notice = await c.QuerySingleOrDefaultAsync<Notice>(new CommandDefinition(NoticeSql, new { village, year }, work.Transaction, cancellationToken: cancellationToken));
        return new SettlementSnapshot(head.RunId, head.OrganisationName, head.CreditCode, head.Budget, head.NoticeStart, head.NoticeEnd,
            head.Members, head.Eligible, head.Total,
            notice is null ? null : new PaymentNoticeInfo(notice.Number, notice.CountyCode, notice.Amount, notice.IssuedOn, notice.DueOn, notice.ReceiptNumber,
                notice.PaidAt is { } paid ? new DateTimeOffset(DateTime.SpecifyKind(paid, DateTimeKind.Utc)) : null),
            lines, head.Recipients);
    }

    private static SettlementLine ToLine(Line l) => new(l.IdNumber, l.Name,
        l.SpecialGroup is null ? null : Enum.Parse<SpecialGroup>(l.SpecialGroup), l.Tier, l.Own, l.Subsidy, l.Exclusion, l.Flags,
        l.Adjusted ? "异议采纳调整" : l.Exclusion is null ? null : ResultTexts.Exclusion(Enum.Parse<ExclusionReason>(l.Exclusion)));
}
