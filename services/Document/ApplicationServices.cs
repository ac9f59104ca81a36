using Document.Issuing;
using Document.Rendering;
using MassTransit;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Crypto;
using Subsidy.ServiceData.Divisions;
using Subsidy.ServiceData.Messaging;
using Subsidy.ServiceDefaults.Auth;

namespace Document;

internal static class ApplicationServices
{
    public const string ServiceName = "document";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddSubsidyAuthentication();
        builder.AddServiceDatabase("document");
        builder.AddSealedColumns(
            new SealedColumn("documents", "content_sealed", new PlainOrigin("content", ["content"]))
        );
        builder.Services.AddSingleton(Subsidy.ServiceData.AuditWording.ForReplica());
        builder.AddDivisionReplica();
        builder.AddMessaging(ServiceName, bus =>
        {
            bus.AddDivisionReplicaConsumer();
            bus.AddConsumer<
                SettlementDocumentsConsumer,
                IdempotentConsumerDefinition<SettlementDocumentsConsumer>
            >();
            bus.AddConsumer<
                Assessment.PilotStatusConsumer,
                IdempotentConsumerDefinition<Assessment.PilotStatusConsumer>
            >();
        });
        builder.Services.AddHttpClient(Statements.StatementsApi.CalculationClient, client =>
            client.BaseAddress = new Uri("http://calculation")
        );
        PdfFonts.Use();
    }
}
