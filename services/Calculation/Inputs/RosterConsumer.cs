using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Messaging;

namespace Calculation.Inputs;

public sealed class RosterConsumer(NpgsqlDataSource dataSource)
    : IdempotentConsumer<RosterAccepted>(dataSource)
{
    protected override async Task HandleAsync(
        RosterAccepted m,
        UnitOfWork work,
        CancellationToken cancellationToken
    )
    {
        await InputStore.SaveRosterAsync(work, m, cancellationToken);
        await Pending.MarkAsync(work, m.VillageCode, m.Year, cancellationToken);
    }
}
