using ContributionImport.Imports;
using MassTransit;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Data;
using Subsidy.ServiceDefaults.Divisions;
using Subsidy.ServiceDefaults.Messaging;

namespace ContributionImport;

internal static class ApplicationServices
{
    public const string ServiceName = "contribution-import";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddSubsidyAuthentication();
        builder.AddServiceDatabase("contribution_import");
        builder.AddDivisionReplica();
        builder.AddMessaging(ServiceName, bus =>
        {
            bus.AddDivisionReplicaConsumer();
            bus.AddConsumer<PolicyYearChangedConsumer, IdempotentConsumerDefinition<PolicyYearChangedConsumer>>();
        });
        builder.Services.AddSingleton<BatchStore>();
        builder.Services.AddSingleton<BatchProcessor>();
        builder.Services.AddSingleton<LiveImports>();
        builder.Services.AddSingleton<RosterProcessor>();
        builder.Services.AddHostedService<ImportWorker>();
        builder.Services.AddHostedService<VillageChunkPublisher>();
    }
}
