using Dapper;
using Npgsql;
using Subsidy.Contracts;

namespace Calculation.Settlement;

/// <summary>
/// A village-year as it stands — its state, latest run and payment notice — read with one query:
/// what a step's event carries, what the step answers, and what a GET of the village-year shows.
/// </summary>
public sealed class VillageYearStanding
{
    /// <summary>One row, or none for a village-year never calculated; parameters @villageCode and
    /// @year.</summary>
    public const string Sql = """
        SELECT v.state, v.stale, v.notice_start, v.notice_end, v.rejection_reason,
               (SELECT count(*)::int FROM objections o WHERE o.village_code = v.village_code AND
                   o.year = v.year AND o.state = 'open') AS open_objections,
               v.run_id, r.fingerprint, r.members, r.eligible, r.total AS run_total, r.duration_ms, r.created_at AS run_created_at,
               r.batch_id AS run_batch_id, r.lump_sum_batches AS run_lump_sum_batches, r.roster_batch_id AS run_roster_batch_id, r.scheme_id AS run_scheme_id,
               r.scheme_version AS run_scheme_version, r.policy_region AS run_policy_region, r.policy_version AS run_policy_version, r.cap AS run_cap,
               coalesce(r.amount, 0) AS amount, coalesce(r.recipients, 0) AS recipients, r.organisation_name, r.credit_code, coalesce(r.budget, 0) AS budget,
               n.number AS notice_number, n.county_code AS notice_county_code, n.amount AS notice_amount, n.payer AS notice_payer,
               n.credit_code AS notice_credit_code, n.issued_on AS notice_issued_on, n.due_on AS notice_due_on, n.receipt_number AS notice_receipt_number,
               n.paid_amount AS notice_paid_amount, n.paid_at AS notice_paid_at, n.credited_on AS notice_credited_on,
               n.rejection_reason AS notice_rejection_reason, n.rejected_at AS notice_rejected_at
        FROM village_years v
        LEFT JOIN calculation_runs r ON r.id = v.run_id
        LEFT JOIN payment_notices n ON n.village_code = v.village_code AND n.year = v.year
        WHERE v.village_code = @villageCode AND v.year = @year
        """;

    public string State { get; init; } = "";
    public bool Stale { get; init; }
    public DateOnly? NoticeStart { get; init; }
    public DateOnly? NoticeEnd { get; init; }
    public string? RejectionReason { get; init; }
    public int OpenObjections { get; init; }

    public Guid? RunId { get; init; }
    public string? Fingerprint { get; init; }
    public int? Members { get; init; }
    public int? Eligible { get; init; }
    public decimal? RunTotal { get; init; }
    public int? DurationMs { get; init; }
    public DateTime? RunCreatedAt { get; init; }
    public Guid? RunBatchId { get; init; }
    public Guid[]? RunLumpSumBatches { get; init; }
    public Guid? RunRosterBatchId { get; init; }
    public Guid? RunSchemeId { get; init; }
    public long? RunSchemeVersion { get; init; }
    public string? RunPolicyRegion { get; init; }
    public long? RunPolicyVersion { get; init; }
    public decimal? RunCap { get; init; }

    /// <summary>The run's amount as it stands, upheld objections included; 0 before any
    /// run.</summary>
    public decimal Amount { get; init; }
    public int Recipients { get; init; }
    public string? OrganisationName { get; init; }
    public string? CreditCode { get; init; }
    public decimal Budget { get; init; }

    public string? NoticeNumber { get; init; }
    public string? NoticeCountyCode { get; init; }
    public decimal? NoticeAmount { get; init; }
    public string? NoticePayer { get; init; }
    public string? NoticeCreditCode { get; init; }
    public DateOnly? NoticeIssuedOn { get; init; }
    public DateOnly? NoticeDueOn { get; init; }
    public string? NoticeReceiptNumber { get; init; }
    public decimal? NoticePaidAmount { get; init; }
    public DateTime? NoticePaidAt { get; init; }
    public DateOnly? NoticeCreditedOn { get; init; }
    public string? NoticeRejectionReason { get; init; }
    public DateTime? NoticeRejectedAt { get; init; }

    public static Task<VillageYearStanding?> ReadAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        string villageCode,
        int year,
        CancellationToken cancellationToken
    ) =>
        connection.QuerySingleOrDefaultAsync<VillageYearStanding>(
            new CommandDefinition(
                Sql,
                new { villageCode, year },
                transaction,
                cancellationToken: cancellationToken
            )
        );

    /// <summary>What the step's event carries for the document service and the tax-bureau
    /// integration.</summary>
    public SettlementSnapshot ToSnapshot(IReadOnlyList<SettlementLine> lines) =>
        new(
            RunId,
            OrganisationName,
            CreditCode,
            Budget,
            NoticeStart,
            NoticeEnd,
            Members ?? 0,
            Eligible ?? 0,
            Amount,
            NoticeNumber is null
                ? null
                : new PaymentNoticeInfo(
                    NoticeNumber,
                    NoticeCountyCode!,
                    NoticeAmount!.Value,
                    NoticeIssuedOn!.Value,
                    NoticeDueOn!.Value,
                    NoticeReceiptNumber,
                    NoticePaidAt is { } paid
                        ? new DateTimeOffset(DateTime.SpecifyKind(paid, DateTimeKind.Utc))
                        : null,
                    NoticePaidAmount
                ),
            lines,
            Recipients
        );
}
