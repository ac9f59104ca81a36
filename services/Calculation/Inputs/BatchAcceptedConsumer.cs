using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Messaging;

namespace Calculation.Inputs;

/// <summary>
/// A newer accepted export replaces the older one for every village of its scope
/// (docs/design/03-import.md), listed or not: the village-years of the scope are marked, and each
/// finds the latest batch covering it (<see cref="VillageYearInputs"/>). Later years are marked
/// too: a 一次性补缴 in this export (or one no longer in it) changes their rule 3.
/// </summary>
public sealed class BatchAcceptedConsumer(NpgsqlDataSource dataSource)
    : IdempotentConsumer<ContributionBatchAccepted>(dataSource)
{
    protected override async Task HandleAsync(
        ContributionBatchAccepted m,
        UnitOfWork work,
        CancellationToken cancellationToken
    )
    {
        await InputStore.SaveBatchAsync(work, m, cancellationToken);
        var villageCodes = m.Villages.Select(v => v.VillageCode).ToList();
        await Pending.MarkVillagesAsync(work, villageCodes, m.Year, cancellationToken);
        await Pending.MarkScopeAsync(work, m.ScopeCode, fromYear: m.Year, cancellationToken);
    }
}
