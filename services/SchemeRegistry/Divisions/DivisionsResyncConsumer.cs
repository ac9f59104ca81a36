using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Data;
using Subsidy.ServiceDefaults.Messaging;

namespace SchemeRegistry.Divisions;

/// <summary>Answers a resync request by announcing every division again; receivers ignore versions they hold.</summary>
public sealed class DivisionsResyncConsumer(NpgsqlDataSource dataSource) : IdempotentConsumer<DivisionsResyncRequested>(dataSource)
{
    protected override async Task HandleAsync(DivisionsResyncRequested message, UnitOfWork work, CancellationToken cancellationToken)
    {
        foreach (var division in await DivisionStore.AllAsync(work, cancellationToken))
        {
            await work.PublishAsync(division.ToEvent(), cancellationToken);
        }
    }
}
