using MassTransit;
using SchemeRegistry.Divisions;
using SchemeRegistry.Pilots;
using SchemeRegistry.PolicyYears;
using SchemeRegistry.Schemes;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Messaging;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.OpenApi;
using Subsidy.ServiceDefaults.Time;

namespace SchemeRegistry;

internal static class ApplicationServices
{
    public const string ServiceName = "scheme-registry";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddSubsidyAuthentication();
        builder.AddServiceDatabase("scheme_registry");
        builder.Services.AddSingleton(SchemeRegistry.Audit.RegistryAuditWording.Create());
        builder.AddMessaging(ServiceName, bus =>
            bus.AddConsumer<
                ReferenceDataResyncConsumer,
                IdempotentConsumerDefinition<ReferenceDataResyncConsumer>
            >()
        );
        builder.Services.AddBusinessClock();
        builder.AddSubsidyOpenApi(
            "方案登记 Scheme registry",
            "区划、年度政策参数、试点与补助方案（docs/design/01-purpose-and-reference-data.md、docs/design/02-schemes.md）。"
        );
        builder.Services.AddSingleton<DivisionStore>();
        builder.Services.AddSingleton<DivisionSeeder>();
        builder.Services.AddSingleton<PolicyYearStore>();
        builder.Services.AddSingleton<PolicyYearSeeder>();
        builder.Services.AddSingleton<PilotStore>();
        builder.Services.AddSingleton<SchemeStore>();
        builder.Services.AddHostedService<CarryOverJob>();
    }
}
