using Document.Rendering;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Data;
using Subsidy.ServiceDefaults.Divisions;
using Subsidy.ServiceDefaults.Messaging;

namespace Document.Issuing;

/// <summary>Renders the documents a settlement step calls for: the 花名册 on the village's confirmation, the 公示 when it is published.</summary>
public sealed class SettlementDocumentsConsumer(NpgsqlDataSource dataSource, DivisionReplica divisions) : IdempotentConsumer<SettlementStepTaken>(dataSource)
{
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string Pdf = "application/pdf";

    protected override async Task HandleAsync(SettlementStepTaken m, UnitOfWork work, CancellationToken cancellationToken)
    {
        if (m.Step is not ("confirm" or "publish-notice")) return;
        var village = await divisions.FindAsync(m.VillageCode, cancellationToken);
        var township = await divisions.FindAsync(DivisionCode.ParentOf(m.VillageCode)!, cancellationToken);
        var data = new VillageYearData(m.VillageCode, township?.Name ?? "", village?.Name ?? m.VillageCode, m.Year,
            m.Snapshot.OrganisationName ?? $"{village?.Name}集体经济组织", DateOnly.FromDateTime(m.At.UtcDateTime),
            m.Snapshot.NoticeStart, m.Snapshot.NoticeEnd, m.Snapshot.Lines);
        var name = $"{data.VillageName}{m.Year}";
        if (m.Step == "confirm")
        {
            await DocumentStore.IssueAsync(work, "roster-xlsx", m.VillageCode, m.Year, $"{name}集体补助花名册.xlsx", Xlsx, RosterDocument.Xlsx(data), cancellationToken);
            await DocumentStore.IssueAsync(work, "roster-pdf", m.VillageCode, m.Year, $"{name}集体补助花名册.pdf", Pdf, RosterDocument.Pdf(data), cancellationToken);
        }
        else
        {
            await DocumentStore.IssueAsync(work, "notice-pdf", m.VillageCode, m.Year, $"{name}集体补助公示.pdf", Pdf, NoticeDocument.Pdf(data), cancellationToken);
        }
    }
}
