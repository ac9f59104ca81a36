using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Data;
using Subsidy.ServiceDefaults.Messaging;

namespace Document;

internal static class ApplicationServices
{
    public const string ServiceName = "document";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddSubsidyAuthentication();
        builder.AddServiceDatabase("document");
        builder.AddMessaging(ServiceName);
    }
}
