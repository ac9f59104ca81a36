using MassTransit;
using SchemeRegistry.Divisions;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Data;
using Subsidy.ServiceDefaults.Messaging;

namespace SchemeRegistry;

internal static class ApplicationServices
{
    public const string ServiceName = "scheme-registry";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddSubsidyAuthentication();
        builder.AddServiceDatabase("scheme_registry");
        builder.AddMessaging(ServiceName, bus =>
            bus.AddConsumer<DivisionsResyncConsumer, IdempotentConsumerDefinition<DivisionsResyncConsumer>>());
        builder.Services.AddSingleton<DivisionStore>();
        builder.Services.AddSingleton<DivisionSeeder>();
    }
}
