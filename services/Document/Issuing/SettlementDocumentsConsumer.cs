using Document.Rendering;
using Npgsql;
using NpgsqlTypes;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Divisions;
using Subsidy.ServiceData.Messaging;
using Subsidy.ServiceDefaults.Time;

namespace Document.Issuing;

/// <summary>
/// Renders the documents a settlement step calls for: 花名册 on the village's confirmation, 公示 when it
/// is published, 申报表 on the application, 缴费通知单 when the county issues it, the credited-details
/// export when the subsidy is credited.
/// </summary>
public sealed class SettlementDocumentsConsumer(NpgsqlDataSource dataSource)
    : IdempotentConsumer<SettlementStepTaken>(dataSource)
{
    private static readonly System.Diagnostics.Metrics.Histogram<double> RenderDuration =
        Subsidy.ServiceDefaults.Telemetry.SubsidyTelemetry.Meter.CreateHistogram<double>(
            "subsidy.document.render.duration",
            "ms",
            "Time to render one document"
        );

    private const string VillageYearSql = """
        INSERT INTO village_years (village_code, year, state, recipients, amount, paid_amount,
            credited, as_of, step_sequence, members, eligible, tiered, tier_sum, tier_1000)
        VALUES (@VillageCode, @Year, @State, @Recipients, @Total, @Paid, @Credited, @At, @Sequence,
            @Members, @Eligible, @Tiered, @TierSum, @Tier1000)
        ON CONFLICT (village_code, year) DO UPDATE SET state = excluded.state, recipients =
            excluded.recipients, amount = excluded.amount,
            paid_amount = excluded.paid_amount, credited = excluded.credited, as_of = excluded.as_of, step_sequence = excluded.step_sequence,
            members = excluded.members, eligible = excluded.eligible,
            tiered = CASE WHEN @HasLines THEN excluded.tiered ELSE village_years.tiered END,
            tier_sum = CASE WHEN @HasLines THEN excluded.tier_sum ELSE village_years.tier_sum END,
            tier_1000 = CASE WHEN @HasLines THEN excluded.tier_1000 ELSE village_years.tier_1000 END
        WHERE (village_years.step_sequence, village_years.as_of) <= (excluded.step_sequence, excluded.as_of)
        """;

    protected override async Task HandleAsync(
        SettlementStepTaken m,
        UnitOfWork work,
        CancellationToken cancellationToken
    )
    {
        var kinds = KindsOf(m.Step);
        var documents =
            kinds.Count == 0 ? [] : await RenderAsync(m, kinds, work, cancellationToken);
        // The documents and the village's row go to the database in one round trip, just before the
        // commit: the row stays locked only briefly, not while the documents render, so the
        // village's next step (often already delivered) is not held up behind them. The tiers the
        // village's paying members chose, for the assessment's average and its share at 1000 元 and
        // above.
        var tiers = m
            .Snapshot.Lines.Where(l => l.Tier is not null && l.OwnContribution > 0)
            .Select(l => l.Tier!.Value)
            .ToList();
        await using var batch = new NpgsqlBatch(work.Connection, work.Transaction);
        foreach (var document in documents)
            batch.BatchCommands.Add(DocumentStore.IssueCommand(document));
        batch.BatchCommands.Add(
            new NpgsqlBatchCommand(VillageYearSql)
            {
                Parameters =
                {
                    new("VillageCode", NpgsqlDbType.Text) { Value = m.VillageCode },
                    new("Year", NpgsqlDbType.Integer) { Value = m.Year },
                    new("State", NpgsqlDbType.Text) { Value = EnumCodes.Of(m.State) },
                    new("Recipients", NpgsqlDbType.Integer) { Value = m.Snapshot.Recipients },
                    new("Total", NpgsqlDbType.Numeric) { Value = m.Snapshot.Total },
                    new("Paid", NpgsqlDbType.Numeric)
                    {
                        Value = m.Snapshot.PaymentNotice?.Paid ?? 0m,
                    },
                    new("Credited", NpgsqlDbType.Boolean)
                    {
                        Value = m.State == SettlementState.Credited,
                    },
                    new("At", NpgsqlDbType.TimestampTz) { Value = m.At.UtcDateTime },
                    new("Sequence", NpgsqlDbType.Bigint) { Value = m.Sequence },
                    new("Members", NpgsqlDbType.Integer) { Value = m.Snapshot.Members },
                    new("Eligible", NpgsqlDbType.Integer) { Value = m.Snapshot.Eligible },
                    new("HasLines", NpgsqlDbType.Boolean) { Value = m.Snapshot.Lines.Count > 0 },
                    new("Tiered", NpgsqlDbType.Integer) { Value = tiers.Count },
                    new("TierSum", NpgsqlDbType.Numeric) { Value = tiers.Sum() },
                    new("Tier1000", NpgsqlDbType.Integer) { Value = tiers.Count(t => t >= 1000) },
                },
            }
        );
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed record Kind(
        string Name,
        string FileSuffix,
        string ContentType,
        Func<VillageYearData, byte[]> Render
    );

    /// <summary>The documents a step issues; none for the others (closing the notice, approval,
    /// payment).</summary>
    private static IReadOnlyList<Kind> KindsOf(SettlementStep step) =>
        step switch
        {
            SettlementStep.Confirm =>
            [
                new("roster-xlsx", "集体补助花名册.xlsx", ContentTypes.Xlsx, RosterDocument.Xlsx),
                new("roster-pdf", "集体补助花名册.pdf", ContentTypes.Pdf, RosterDocument.Pdf),
            ],
            SettlementStep.PublishNotice =>
            [
                new("notice-pdf", "集体补助公示.pdf", ContentTypes.Pdf, NoticeDocument.Pdf),
            ],
            SettlementStep.SubmitApplication =>
            [
                new(
                    "application-pdf",
                    "集体补助试点申报表.pdf",
                    ContentTypes.Pdf,
                    FormDocuments.Application
                ),
            ],
            SettlementStep.IssuePaymentNotice =>
            [
                new(
                    "payment-notice-pdf",
                    "集体补助缴费通知单.pdf",
                    ContentTypes.Pdf,
                    FormDocuments.PaymentNotice
                ),
            ],
            SettlementStep.Credit =>
            [
                new(
                    "credited-xlsx",
                    "集体补助到账明细.xlsx",
                    ContentTypes.Xlsx,
                    CreditedExport.Xlsx
                ),
                new("credited-csv", "集体补助到账明细.csv", ContentTypes.Csv, CreditedExport.Csv),
            ],
            _ => [],
        };

    private static async Task<IReadOnlyList<DocumentToIssue>> RenderAsync(
        SettlementStepTaken m,
        IReadOnlyList<Kind> kinds,
        UnitOfWork work,
        CancellationToken cancellationToken
    )
    {
        var townshipCode = DivisionCode.ParentOf(m.VillageCode)!;
        var countyCode = DivisionCode.ParentOf(townshipCode)!;
        var known = await DivisionReplica.FindAllAsync(
            work.Connection,
            work.Transaction,
            [m.VillageCode, townshipCode, countyCode],
            cancellationToken
        );
        var village = known.GetValueOrDefault(m.VillageCode);
        var township = known.GetValueOrDefault(townshipCode);
        var county = known.GetValueOrDefault(countyCode);
        var data = new VillageYearData(
            m.VillageCode,
            township?.Name ?? "",
            village?.Name ?? m.VillageCode,
            m.Year,
            m.Snapshot.OrganisationName ?? $"{village?.Name}集体经济组织",
            BusinessClock.DateOf(m.At),
            m.Snapshot.NoticeStart,
            m.Snapshot.NoticeEnd,
            m.Snapshot.Lines,
            m.Snapshot.CreditCode,
            m.Snapshot.Budget,
            county?.Name ?? "",
            m.Snapshot.PaymentNotice,
            new SettlementTotals(m.Snapshot.Recipients, m.Snapshot.Total)
        );
        return kinds
            .Select(kind =>
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var content = kind.Render(data);
                RenderDuration.Record(
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                    new KeyValuePair<string, object?>("kind", kind.Name)
                );
                return new DocumentToIssue(
                    kind.Name,
                    m.VillageCode,
                    m.Year,
                    $"{data.VillageName}{m.Year}{kind.FileSuffix}",
                    kind.ContentType,
                    content
                );
            })
            .ToList();
    }
}
