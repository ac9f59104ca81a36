using ContributionImport.Imports;
using MassTransit;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Divisions;
using Subsidy.ServiceData.Messaging;
using Subsidy.ServiceDefaults.Auth;

namespace ContributionImport;

internal static class ApplicationServices
{
    public const string ServiceName = "contribution-import";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddSubsidyAuthentication();
        // Batches are held by session advisory locks: a connection going back to the pool is reset.
        builder.AddServiceDatabase("contribution_import", keepsSessionState: true);
        builder.Services.AddSingleton(Subsidy.ServiceData.AuditWording.ForReplica());
        builder.AddDivisionReplica();
        builder.AddMessaging(ServiceName, bus =>
        {
            bus.AddDivisionReplicaConsumer();
            bus.AddConsumer<
                PolicyYearChangedConsumer,
                IdempotentConsumerDefinition<PolicyYearChangedConsumer>
            >();
        });
        builder.Services.AddSingleton<BatchStore>();
        builder.Services.AddSingleton<BatchProcessor>();
        builder.Services.AddSingleton<LiveImports>();
        builder.Services.AddSingleton<RosterProcessor>();
        builder.Services.AddHostedService<ImportWorker>();
        builder.Services.AddHostedService<VillageChunkPublisher>();
    }
}
