using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Gateway;

// What the gateway's APIs answer, as far as the portal shows it. Codes are the API's own strings,
// shown with the Chinese names the API gives beside them.

public sealed record DemoUserView(string UserId, string Name, string Role, string Scope);

public sealed record DivisionView(
    string Code,
    string Name,
    string Level,
    string? ParentCode,
    bool Active
);

public sealed record PolicyYearView(
    string RegionCode,
    int Year,
    decimal[] Tiers,
    decimal SpecialTier,
    decimal Cap,
    DateOnly ContributionDeadline,
    DateOnly ExportDeadline,
    int NoticeDays,
    long Version
);

public sealed record PilotView(
    string VillageCode,
    string Status,
    decimal LastYearIncome,
    decimal OperatingIncome,
    decimal PlannedSubsidy,
    DateOnly? EffectiveDate,
    string? Reason,
    long Version,
    DateTime ChangedAt,
    string ChangedBy,
    IReadOnlyList<AllowedStepView>? AllowedSteps = null
)
{
    /// <summary>Whether the pilot offers the signed-in user this decision now (the API decides).</summary>
    public bool Offers(string step) => AllowedSteps?.Any(s => s.Step == step && s.Allowed) == true;
}

public sealed record PilotBatchResultView(int Done, int Refused, List<PilotBatchItemView> Items);

public sealed record PilotBatchItemView(
    string VillageCode,
    bool Done,
    string? StatusName,
    string? Reason
);

public sealed record FloorTerms(string? Group, decimal? Amount);

public sealed record IncentiveTerms(decimal? MinTier, decimal? Amount);

public sealed record DonationTerms(string? Donor, string? Kind, decimal? Amount, string? ManagedBy);

public sealed record ProcedureTerms(
    DateOnly? ProposedOn,
    DateOnly? FirstDeliberationOn,
    DateOnly? SecondDeliberationOn,
    DateOnly? ResolvedOn,
    DateOnly? PublishedOn
);

public sealed record SchemeTermsView(
    string? MembershipBasis,
    string? Stacking,
    List<FloorTerms>? Floors,
    List<IncentiveTerms>? Incentives,
    decimal? CollectiveIncome,
    List<DonationTerms>? Donations,
    ProcedureTerms? Procedure,
    string? OrganisationName,
    string? CreditCode
);

public sealed record SchemeView(
    Guid Id,
    string VillageCode,
    int Year,
    string State,
    SchemeTermsView Terms,
    decimal Budget,
    string? RejectionReason,
    Guid? CarriedOverFrom,
    long Version,
    string CreatedBy,
    DateTime ChangedAt,
    string ChangedBy,
    IReadOnlyList<AllowedStepView>? AllowedSteps = null
)
{
    /// <summary>Whether the scheme offers the signed-in user this step now (the API decides).</summary>
    public bool Offers(string step) => AllowedSteps?.Any(s => s.Step == step && s.Allowed) == true;
}

public sealed record ImportErrorView(long RowNumber, string? Column, string? Value, string? Reason);

public sealed record BatchView(
    Guid Id,
    string Kind,
    string ScopeCode,
    int Year,
    string FileName,
    long FileSize,
    string? Sha256,
    string State,
    string StateName,
    long RowsRead,
    long RowsAccepted,
    int ErrorCount,
    string? Failure,
    string UploadedBy,
    DateTime UploadedAt,
    DateTime? FinishedAt,
    Guid? SupersededBy,
    bool SameFileAsBefore,
    string? Note,
    List<ImportErrorView>? Errors
)
{
    public bool Finished => State is "accepted" or "rejected" or "superseded" or "failed";
}

public sealed record RunView(
    Guid Id,
    string? Fingerprint,
    int Members,
    int Eligible,
    decimal Total,
    int DurationMs,
    DateTime CreatedAt,
    List<BasisItemView> Basis
);

/// <summary>One line of what a run was worked out from, worded by the calculation.</summary>
public sealed record BasisItemView(string Label, string Value);

public sealed record PaymentNoticeView(
    string Number,
    decimal Amount,
    string Payer,
    string? CreditCode,
    DateOnly IssuedOn,
    DateOnly DueOn,
    string? ReceiptNumber,
    decimal? PaidAmount,
    DateTime? PaidAt,
    DateOnly? CreditedOn,
    string? RejectionReason,
    DateTime? RejectedAt
);

public sealed record CategoryTotal(
    string Category,
    string Code,
    string Name,
    int Members,
    decimal Amount
);

public sealed record ResultView(
    string MemberKey,
    string IdNumber,
    string Name,
    string? Exclusion,
    decimal Own,
    decimal? Tier,
    string? SpecialGroup,
    decimal Floor,
    decimal Incentive,
    decimal FloorPart,
    decimal IncentivePart,
    decimal Subsidy,
    decimal? AdjustedSubsidy,
    decimal Amount,
    IReadOnlyList<string> Flags,
    string? Explanation
);

public sealed record WaitingFor(string Code, string Name);

public sealed record VillageYearView(
    string VillageCode,
    int Year,
    string State,
    string StateName,
    bool Stale,
    DateOnly? NoticeStart,
    DateOnly? NoticeEnd,
    string? RejectionReason,
    int OpenObjections,
    decimal Total,
    RunView? Run,
    PaymentNoticeView? PaymentNotice,
    IReadOnlyList<CategoryTotal>? Totals,
    IReadOnlyList<ResultView>? Results,
    int? ResultCount,
    IReadOnlyList<WaitingFor>? WaitingFor,
    IReadOnlyList<AllowedStepView>? AllowedSteps,
    IdNumbersView? IdNumbers = null
);

/// <summary>Whether the list shows whole ID numbers, whether this user may ask for them, and the
/// purposes to choose from (the API decides; each whole view is recorded in the audit log).</summary>
public sealed record IdNumbersView(bool Full, bool MayViewFull, IReadOnlyList<string> Purposes);

/// <summary>A step the API offers the signed-in user now; refused ones say why.</summary>
public sealed record AllowedStepView(
    string Step,
    string Label,
    string Path,
    bool Allowed,
    string? WhyNot,
    string? Confirm,
    string? Asks,
    bool Danger
);

public sealed record SettlementStatusView(
    string VillageCode,
    int Year,
    string State,
    string StateName,
    bool Stale,
    DateOnly? NoticeStart,
    DateOnly? NoticeEnd,
    string? RejectionReason,
    int OpenObjections,
    decimal Total,
    int Recipients,
    PaymentNoticeView? PaymentNotice
);

public sealed record VillageYearListItem(
    string VillageCode,
    string? VillageName,
    int Year,
    string State,
    string StateName,
    bool Stale,
    int Members,
    int Eligible,
    decimal Amount,
    int OpenObjections,
    DateOnly? NoticeEnd,
    string? RejectionReason
);

public sealed record VillageYearListPage(
    int Total,
    int Page,
    int PageSize,
    IReadOnlyList<VillageYearListItem> Items
);

public sealed record ObjectionView(
    Guid Id,
    string MemberKey,
    string IdNumber,
    string Complaint,
    string FiledBy,
    DateOnly FiledOn,
    string State,
    decimal? AdjustedAmount,
    string? Resolution,
    string? ResolvedBy
);

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
    bool Open,
    string OutcomeName
);

public sealed record DivisionSummary(
    string Code,
    string Name,
    int VillageYears,
    int Members,
    int Eligible,
    decimal Amount,
    decimal PaidAmount,
    decimal CreditedAmount,
    IReadOnlyDictionary<string, int> States
);

public sealed record RollUpView(
    int Year,
    DivisionSummary Division,
    IReadOnlyList<DivisionSummary> Children
);

public sealed record DocumentView(
    Guid Id,
    string Kind,
    string DivisionCode,
    int Year,
    int Version,
    string FileName,
    string ContentType,
    string Sha256,
    DateTime IssuedAt,
    bool FullIdNumbers = false,
    string? DownloadPurpose = null,
    string? WhyNotDownload = null
)
{
    /// <summary>The portal's address of the file: one listing whole ID numbers carries the purpose
    /// its download records.</summary>
    public string Href(bool inline = false)
    {
        var query = new List<string>();
        if (inline)
            query.Add("inline=true");
        if (FullIdNumbers && DownloadPurpose is { } purpose)
            query.Add("purpose=" + Uri.EscapeDataString(purpose));
        return $"/files/documents/{Id}" + (query.Count > 0 ? "?" + string.Join("&", query) : "");
    }
}

public sealed record AuditEntryView(
    long Id,
    string Entity,
    string EntityKey,
    string DivisionCode,
    string Action,
    string? FromState,
    string? ToState,
    string? Reason,
    string Actor,
    string ActorRole,
    DateTime At,
    string EntityName,
    string ObjectName,
    string DivisionName,
    string ActionName,
    string? FromStateName,
    string? ToStateName
);

public sealed record StatementTierView(
    decimal Tier,
    decimal OwnPayment,
    decimal FloorPart,
    decimal IncentivePart,
    decimal Subsidy,
    decimal AccountAt60,
    decimal MonthlyAt60
);

public sealed record CreditedYearView(int Year, string VillageCode, decimal Amount);

/// <summary>算清经济账: a resident's statement as the calculation works it out
/// (docs/design/11-beyond-paperwork.md).</summary>
public sealed record StatementView(
    string VillageCode,
    int Year,
    string Name,
    string IdNumber,
    string? SpecialGroup,
    string? SpecialGroupName,
    bool Eligible,
    string? Exclusion,
    string? ExclusionName,
    decimal? ChosenTier,
    decimal CurrentSubsidy,
    decimal? NextTier,
    decimal? NextTierSubsidy,
    bool Prorated,
    string ThisYear,
    IReadOnlyList<StatementTierView> Tiers,
    IReadOnlyList<CreditedYearView> Credited,
    decimal CreditedTotal,
    decimal MonthlyFromCredited,
    int ContributionYearsLeft,
    int MonthsDivisor,
    string Formula
);

public sealed record AssessmentRowView(
    string Code,
    string Name,
    int Rank,
    int Villages,
    int PilotVillages,
    decimal Coverage,
    int SuspendedVillages,
    int Members,
    int Eligible,
    int Subsidised,
    decimal Credited,
    decimal? AverageTier,
    decimal? AverageTierLastYear,
    decimal? ShareAt1000,
    decimal? ShareAt1000LastYear
);

/// <summary>考核表: the rows, the area's total, and the two documents the document service issued for
/// it.</summary>
public sealed record AssessmentView(
    IReadOnlyList<AssessmentRowView> Rows,
    AssessmentRowView Total,
    DocumentView Xlsx,
    DocumentView Pdf
);

public sealed record AccountView(
    string UserName,
    string DisplayName,
    string Role,
    string RoleName,
    string Scope,
    bool Enabled,
    bool MustChangePassword,
    bool TwoFactorEnabled,
    DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt
);

/// <summary>The one-time password the administrator hands over; the person replaces it at first
/// sign-in.</summary>
public sealed record IssuedPasswordView(AccountView Account, string OneTimePassword);

/// <summary>What a batch of scheme steps did: each scheme done or refused with the reason.</summary>
public sealed record SchemeBatchResultView(int Done, int Refused, List<SchemeBatchItemView> Items);

public sealed record SchemeBatchItemView(
    Guid Id,
    string VillageCode,
    bool Done,
    string? StateName,
    string? Reason
);

/// <summary>What a batch of settlement steps did: each village-year done or refused with the reason.</summary>
public sealed record SettlementBatchResultView(
    int Done,
    int Refused,
    List<SettlementBatchItemView> Items
);

public sealed record SettlementBatchItemView(
    string VillageCode,
    bool Done,
    string? StateName,
    string? Reason
);
