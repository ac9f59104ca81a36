using Calculation.Settlement;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Messaging;
using Subsidy.ServiceDefaults.Time;

namespace Calculation.Inputs;

public sealed class PilotStatusConsumer(NpgsqlDataSource dataSource, BusinessClock clock)
    : IdempotentConsumer<PilotStatusChanged>(dataSource)
{
    protected override async Task HandleAsync(
        PilotStatusChanged m,
        UnitOfWork work,
        CancellationToken cancellationToken
    )
    {
        var changed = await InputStore.SavePilotStatusAsync(work, m, cancellationToken);
        if (changed == 0)
            return;
        // The marks first, then the village-years: the calculator holds a claimed mark while it
        // locks its village-year, so taking them the other way round deadlocked with a calculation
        // under way.
        await Pending.MarkSchemesAsync(work, m.VillageCode, null, cancellationToken);
        if (m.Status == PilotStatus.Suspended)
        {
            await Suspension.HaltAsync(work, m.VillageCode, m.Reason, clock.Now, cancellationToken);
        }
        else if (m.Status == PilotStatus.Active)
        {
            await Suspension.ResumeAsync(work, m.VillageCode, clock.Now, cancellationToken);
        }
    }
}
