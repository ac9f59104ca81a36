namespace Calculation.Settlement;

/// <summary>What the settlement steps write on the village-year beside its state, each inside the
/// step's transaction.</summary>
public static class SettlementStore
{
    private const string StartNoticeSql =
        "UPDATE village_years SET notice_start = @Today, notice_end = @End WHERE village_code = @VillageCode AND year = @Year";

    private const string NoticeStandingSql = """
        SELECT v.notice_end,
               (SELECT count(*)::int FROM objections o WHERE o.village_code = v.village_code AND
                   o.year = v.year AND o.state = 'open')
        FROM village_years v WHERE v.village_code = @VillageCode AND v.year = @Year
        """;

    private const string SetRejectionSql =
        "UPDATE village_years SET rejection_reason = @Reason WHERE village_code = @VillageCode AND year = @Year";

    private const string MarkCreditedSql =
        "UPDATE payment_notices SET credited_on = @Today WHERE village_code = @VillageCode AND year = @Year";

    /// <summary>A recalculation voids what the old result was open to: its objections, its notice,
    /// the county's rejection.</summary>
    private const string StartOverSql = """
        UPDATE objections SET state = 'void', resolution = '重新测算，原测算结果作废', resolved_at = now()
        WHERE village_code = @VillageCode AND year = @Year AND state = 'open';
        UPDATE village_years SET notice_start = NULL, notice_end = NULL, rejection_reason = NULL
            WHERE village_code = @VillageCode AND year = @Year;
        """;

    public static Task StartNoticeAsync(StepContext step, DateOnly end) =>
        step.ExecuteAsync(
            StartNoticeSql,
            new
            {
                step.Today,
                End = end,
                step.VillageCode,
                step.Year,
            }
        );

    public static async Task<(DateOnly End, int OpenObjections)> NoticeStandingAsync(
        StepContext step
    ) =>
        await step.QuerySingleAsync<(DateOnly, int)>(
            NoticeStandingSql,
            new { step.VillageCode, step.Year }
        );

    /// <summary>The county's reason for sending the application back; null clears it when the
    /// village submits again.</summary>
    public static Task SetRejectionAsync(StepContext step, string? reason) =>
        step.ExecuteAsync(
            SetRejectionSql,
            new
            {
                Reason = reason,
                step.VillageCode,
                step.Year,
            }
        );

    public static Task MarkCreditedAsync(StepContext step) =>
        step.ExecuteAsync(
            MarkCreditedSql,
            new
            {
                step.Today,
                step.VillageCode,
                step.Year,
            }
        );

    public static Task StartOverAsync(StepContext step) =>
        step.ExecuteAsync(StartOverSql, new { step.VillageCode, step.Year });
}
