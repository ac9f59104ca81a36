using Dapper;
using Document.Rendering;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Data;
using Subsidy.ServiceDefaults.Divisions;
using Subsidy.ServiceDefaults.Messaging;

namespace Document.Issuing;

/// <summary>
/// Renders the documents a settlement step calls for: 花名册 on the village's confirmation, 公示 when it is published,
/// 申报表 on the application, 缴费通知单 when the county issues it, the credited-details export when the subsidy is credited.
/// </summary>
public sealed class SettlementDocumentsConsumer(NpgsqlDataSource dataSource, DivisionReplica divisions) : IdempotentConsumer<SettlementStepTaken>(dataSource)
{
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string Pdf = "application/pdf";

    public const string Csv = "text/csv; charset=utf-8";

    private static readonly System.Diagnostics.Metrics.Histogram<double> RenderDuration =
        Subsidy.ServiceDefaults.Telemetry.SubsidyTelemetry.Meter.CreateHistogram<double>("subsidy.document.render.duration", "ms", "Time to render one document");

    protected override async Task HandleAsync(SettlementStepTaken m, UnitOfWork work, CancellationToken cancellationToken)
    {
        if (m.Step is ("confirm" or "publish-notice" or "submit-application" or "issue-payment-notice" or "credit")) await IssueDocumentsAsync(m, work, cancellationToken);
        // Last, just before the commit: the village's row stays locked only briefly, not while its documents render,
        // so the village's next step (often already delivered) is not held up behind them.
        await work.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO village_years (village_code, year, state, recipients, amount, paid_amount, credited, as_of)
            VALUES (@VillageCode, @Year, @State, @recipients, @Total, @paid, @credited, @At)
            ON CONFLICT (village_code, year) DO UPDATE SET state = excluded.state, recipients = excluded.recipients, amount = excluded.amount,
                paid_amount = excluded.paid_amount, credited = excluded.credited, as_of = excluded.as_of
            WHERE village_years.as_of <= excluded.as_of
            """, new
        {
            m.VillageCode, m.Year, m.State, recipients = m.Snapshot.Recipients, m.Snapshot.Total,
            paid = m.Snapshot.PaymentNotice is { ReceiptNumber: not null } notice ? notice.Amount : 0m, credited = m.State == "credited", At = m.At.UtcDateTime,
        }, work.Transaction, cancellationToken: cancellationToken));
    }

    private async Task IssueDocumentsAsync(SettlementStepTaken m, UnitOfWork work, CancellationToken cancellationToken)
    {
        var townshipCode = DivisionCode.ParentOf(m.VillageCode)!;
        var countyCode = DivisionCode.ParentOf(townshipCode)!;
        var known = await divisions.FindAllAsync([m.VillageCode, townshipCode, countyCode], cancellationToken);
        var village = known.GetValueOrDefault(m.VillageCode);
        var township = known.GetValueOrDefault(townshipCode);
        var county = known.GetValueOrDefault(countyCode);
        var data = new VillageYearData(m.VillageCode, township?.Name ?? "", village?.Name ?? m.VillageCode, m.Year,
            m.Snapshot.OrganisationName ?? $"{village?.Name}集体经济组织", DateOnly.FromDateTime(m.At.UtcDateTime),
            m.Snapshot.NoticeStart, m.Snapshot.NoticeEnd, m.Snapshot.Lines, m.Snapshot.CreditCode, m.Snapshot.Budget, county?.Name ?? "", m.Snapshot.PaymentNotice,
            new SettlementTotals(m.Snapshot.Recipients, m.Snapshot.Total));
        var name = $"{data.VillageName}{m.Year}";
        Task<Guid> Issue(string kind, string file, string type, Func<VillageYearData, byte[]> render)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var content = render(data);
            RenderDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("kind", kind));
            return DocumentStore.IssueAsync(work, kind, m.VillageCode, m.Year, file, type, content, cancellationToken);
        }
        switch (m.Step)
        {
            case "confirm":
                await Issue("roster-xlsx", $"{name}集体补助花名册.xlsx", Xlsx, RosterDocument.Xlsx);
                await Issue("roster-pdf", $"{name}集体补助花名册.pdf", Pdf, RosterDocument.Pdf);
                break;
            case "publish-notice":
                await Issue("notice-pdf", $"{name}集体补助公示.pdf", Pdf, NoticeDocument.Pdf);
                break;
            case "submit-application":
                await Issue("application-pdf", $"{name}集体补助试点申报表.pdf", Pdf, FormDocuments.Application);
                break;
            case "issue-payment-notice":
                await Issue("payment-notice-pdf", $"{name}集体补助缴费通知单.pdf", Pdf, FormDocuments.PaymentNotice);
                break;
            case "credit":
                await Issue("credited-xlsx", $"{name}集体补助到账明细.xlsx", Xlsx, CreditedExport.Xlsx);
                await Issue("credited-csv", $"{name}集体补助到账明细.csv", Csv, CreditedExport.Csv);
                break;
        }
    }
}
