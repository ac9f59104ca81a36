using ContributionImport.Imports;
using MassTransit;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Crypto;
using Subsidy.ServiceData.Divisions;
using Subsidy.ServiceData.Messaging;
using Subsidy.ServiceDefaults.Auth;

namespace ContributionImport;

internal static class ApplicationServices
{
    public const string ServiceName = "contribution-import";

    /// <summary>A person's name and ID number as <see cref="PersonalData.SealPerson"/> seals
    /// them.</summary>
    private const string Person = "convert_to(name || chr(31) || id_number, 'UTF8')";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddSubsidyAuthentication();
        // Batches are held by session advisory locks: a connection going back to the pool is reset.
        builder.AddServiceDatabase("contribution_import", keepsSessionState: true);
        builder.AddSealedColumns(
            new SealedColumn(
                "contribution_rows",
                "person",
                new PlainOrigin(Person, ["name", "id_number"], "id_index", "id_number")
            ),
            new SealedColumn(
                "roster_members",
                "person",
                new PlainOrigin(Person, ["name", "id_number"], "id_index", "id_number")
            ),
            new SealedColumn(
                "import_errors",
                "value_sealed",
                new PlainOrigin("convert_to(value, 'UTF8')", ["value"])
            ),
            new SealedColumn("upload_chunks", "data_sealed", new PlainOrigin("data", ["data"]))
        );
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
