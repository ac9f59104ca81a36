using Calculation.Apis;
using Calculation.Rules;
using Dapper;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Crypto;

namespace Calculation.Settlement;

/// <summary>
/// A village-year as the API shows it: its standing, its run and what the run used, its payment
/// notice, its members' results.
/// </summary>
public static class SettlementStatus
{
    private const string ResultsSql = """
        SELECT person, id_index, exclusion, own, tier, special_group, floor, incentive, floor_part,
            incentive_part, subsidy, adjusted_subsidy, flags
        FROM member_results WHERE run_id = @runId AND (@idIndex::bytea IS NULL OR id_index = @idIndex)
        """;

    // Dapper binds a text[] column to a settable string[] property, not to a constructor parameter.
    private sealed class ResultRow
    {
        public string IdNumber { get; private set; } = "";
        public string Name { get; private set; } = "";

        public byte[] Person
        {
            set => (Name, IdNumber) = PersonalData.Current.OpenPerson(value);
        }

        public byte[] IdIndex { get; set; } = [];
        public string? Exclusion { get; set; }
        public decimal Own { get; set; }
        public decimal? Tier { get; set; }
        public string? SpecialGroup { get; set; }
        public decimal Floor { get; set; }
        public decimal Incentive { get; set; }
        public decimal FloorPart { get; set; }
        public decimal IncentivePart { get; set; }
        public decimal Subsidy { get; set; }
        public decimal? AdjustedSubsidy { get; set; }
        public string[] Flags { get; set; } = [];

        public ResultView ToView() =>
            new(
                PersonalData.MemberKeyOf(IdIndex),
                IdNumber,
                Name,
                Exclusion,
                Own,
                Tier,
                SpecialGroup,
                Floor,
                Incentive,
                FloorPart,
                IncentivePart,
                Subsidy,
                AdjustedSubsidy,
                AdjustedSubsidy ?? Subsidy,
                Flags,
                null
            );
    }

    /// <summary>
    /// The village-year after a step, as the step read it in its own transaction, with one member's
    /// result when the step was about that member.
    /// </summary>
    public static async Task<SettlementStatusView> StatusAsync(
        UnitOfWork work,
        string villageCode,
        int year,
        VillageYearStanding standing,
        string? memberIdNumber,
        CancellationToken cancellationToken
    )
    {
        var status = Of(villageCode, year, standing);
        if (memberIdNumber is null || status.Run is null)
            return status;
        var member = await ResultsAsync(
            work.Connection,
            work.Transaction,
            status.Run.Id,
            memberIdNumber,
            cancellationToken
        );
        // A step's answer shows the member masked: the caller named them, and a whole number is
        // only shown where it is asked for and recorded (IdNumberAccess).
        return status with
        {
            Member = member.Select(r => Explained(r.Masked())).FirstOrDefault(),
        };
    }

    public static SettlementStatusView Of(string villageCode, int year, VillageYearStanding s) =>
        new(
            villageCode,
            year,
            s.State,
            SettlementStateNames.ChineseName(s.State),
            s.Stale,
            s.NoticeStart,
            s.NoticeEnd,
            s.RejectionReason,
            s.OpenObjections,
            s.Amount,
            s.Recipients,
            s.RunId is { } run
                ? new RunView(
                    run,
                    s.Fingerprint!,
                    s.Members!.Value,
                    s.Eligible!.Value,
                    s.RunTotal!.Value,
                    s.DurationMs!.Value,
                    s.RunCreatedAt!.Value,
                    new RunInputsView(
                        s.RunBatchId,
                        s.RunLumpSumBatches ?? [],
                        s.RunRosterBatchId,
                        s.RunSchemeId,
                        s.RunSchemeVersion,
                        s.RunPolicyRegion,
                        year,
                        s.RunPolicyVersion,
                        s.Budget,
                        s.RunCap
                    )
                )
                : null,
            s.NoticeNumber is { } number
                ? new PaymentNoticeView(
                    number,
                    s.NoticeAmount!.Value,
                    s.NoticePayer!,
                    s.NoticeCreditCode,
                    s.NoticeIssuedOn!.Value,
                    s.NoticeDueOn!.Value,
                    s.NoticeReceiptNumber,
                    s.NoticePaidAmount,
                    s.NoticePaidAt,
                    s.NoticeCreditedOn,
                    s.NoticeRejectionReason,
                    s.NoticeRejectedAt
                )
                : null,
            null
        );

    /// <summary>
    /// A run's results (or one member's), without explanations: the page shown gets them (<see
    /// cref="Explained"/>).
    /// </summary>
    public static async Task<IReadOnlyList<ResultView>> ResultsAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        Guid runId,
        string? idNumber,
        CancellationToken cancellationToken
    ) =>
        (
            await connection.QueryAsync<ResultRow>(
                new CommandDefinition(
                    ResultsSql,
                    new
                    {
                        runId,
                        idIndex = idNumber is null ? null : PersonalData.Current.IdIndex(idNumber),
                    },
                    transaction,
                    cancellationToken: cancellationToken
                )
            )
        )
            .OrderBy(r => r.IdNumber, StringComparer.Ordinal)
            .Select(r => r.ToView())
            .ToList();

    public static ResultView Explained(ResultView r) =>
        r with
        {
            Explanation = ResultTexts.Explain(
                r.Exclusion,
                r.Tier,
                r.SpecialGroup,
                r.FloorPart,
                r.IncentivePart,
                r.Flags,
                r.AdjustedSubsidy
            ),
        };
}
