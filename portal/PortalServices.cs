using System.Globalization;
using Microsoft.AspNetCore.HttpOverrides;
using Portal.Gateway;
using Portal.SignIn;

namespace Portal;

internal static class PortalServices
{
    public static void AddPortalServices(this WebApplicationBuilder builder)
    {
        // Everything a user reads is Chinese: dates, numbers and the components' own texts
        // (AntDesign follows the culture).
        var chinese = CultureInfo.GetCultureInfo("zh-CN");
        CultureInfo.DefaultThreadCurrentCulture = chinese;
        CultureInfo.DefaultThreadCurrentUICulture = chinese;
        AntDesign.LocaleProvider.DefaultLanguage = "zh-CN";
        AntDesign.LocaleProvider.SetLocale("zh-CN");

        // The portal sits behind the gateway: links and sign-in redirects use the address the
        // browser used.
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders =
                ForwardedHeaders.XForwardedFor
                | ForwardedHeaders.XForwardedProto
                | ForwardedHeaders.XForwardedHost;
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
        });

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddAntDesign();
        builder.AddPortalSignIn();
        builder.AddGatewayClient();
    }
}
