using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Messaging;

namespace Calculation.Inputs;

public sealed class SchemeTermsConsumer(NpgsqlDataSource dataSource)
    : IdempotentConsumer<SchemeTermsPublished>(dataSource)
{
    protected override async Task HandleAsync(
        SchemeTermsPublished m,
        UnitOfWork work,
        CancellationToken cancellationToken
    )
    {
        var changed = await InputStore.SaveSchemeTermsAsync(work, m, cancellationToken);
        if (changed > 0)
            await Pending.MarkAsync(work, m.VillageCode, m.Year, cancellationToken);
    }
}
