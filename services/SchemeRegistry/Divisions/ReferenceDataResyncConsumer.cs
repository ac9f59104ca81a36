using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Messaging;

namespace SchemeRegistry.Divisions;

/// <summary>Answers a resync request by announcing every division, policy year and pilot status
/// again; receivers ignore versions they hold.</summary>
public sealed class ReferenceDataResyncConsumer(NpgsqlDataSource dataSource)
    : IdempotentConsumer<ReferenceDataResyncRequested>(dataSource)
{
    protected override async Task HandleAsync(
        ReferenceDataResyncRequested message,
        UnitOfWork work,
        CancellationToken cancellationToken
    )
    {
        foreach (var division in await DivisionStore.AllAsync(work, cancellationToken))
        {
            await work.PublishAsync(division.ToEvent(), cancellationToken);
        }
        foreach (var policy in await PolicyYears.PolicyYearStore.AllAsync(work, cancellationToken))
        {
            await work.PublishAsync(policy.ToEvent(), cancellationToken);
        }
        foreach (var pilot in await Pilots.PilotStore.AllAsync(work, cancellationToken))
        {
            await work.PublishAsync(Pilots.PilotStore.ToEvent(pilot), cancellationToken);
        }
        // Last, so the requester knows everything before it has been sent.
        await work.PublishAsync(
            new ReferenceDataResyncAnswered(
                message.RequestedBy,
                message.RequestId,
                DateTimeOffset.UtcNow
            ),
            cancellationToken
        );
    }
}
