using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Messaging;

namespace Calculation.Inputs;

public sealed class VillageContributionsConsumer(NpgsqlDataSource dataSource)
    : IdempotentConsumer<VillageContributions>(dataSource)
{
    protected override async Task HandleAsync(
        VillageContributions m,
        UnitOfWork work,
        CancellationToken cancellationToken
    )
    {
        var lumpSumPayers = m
            .Records.Where(r => r.Type == PaymentType.LumpSum)
            .Select(r => r.IdNumber)
            .Distinct()
            .ToArray();
        await InputStore.SaveChunkAsync(work, m, lumpSumPayers, cancellationToken);
        await Pending.MarkAsync(work, m.VillageCode, m.Year, cancellationToken);
        if (lumpSumPayers.Length > 0)
        {
            await Pending.MarkPeopleAsync(
                work,
                lumpSumPayers,
                afterYear: m.Year,
                cancellationToken
            );
        }
    }
}
