using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Messaging;

namespace Calculation.Inputs;

public sealed class PolicyYearConsumer(NpgsqlDataSource dataSource)
    : IdempotentConsumer<PolicyYearChanged>(dataSource)
{
    protected override async Task HandleAsync(
        PolicyYearChanged m,
        UnitOfWork work,
        CancellationToken cancellationToken
    )
    {
        var changed = await InputStore.SavePolicyYearAsync(work, m, cancellationToken);
        if (changed > 0)
        {
            await Pending.MarkSchemesAsync(
                work,
                DivisionCode.ScopePrefix(m.RegionCode),
                m.Year,
                cancellationToken
            );
        }
    }
}
