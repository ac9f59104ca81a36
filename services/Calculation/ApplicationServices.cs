using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Data;
using Subsidy.ServiceDefaults.Divisions;
using Subsidy.ServiceDefaults.Messaging;

namespace Calculation;

internal static class ApplicationServices
{
    public const string ServiceName = "calculation";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddSubsidyAuthentication();
        builder.AddServiceDatabase("calculation");
        builder.AddDivisionReplica();
        builder.AddMessaging(ServiceName, bus => bus.AddDivisionReplicaConsumer());
    }
}
