using Gateway;
using Gateway.Apis;
using Gateway.Proxy;
using Subsidy.ServiceDefaults.Http;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

// Bodies are bounded per route (BodyLimits): Kestrel's own bound is the largest of them, lowered
// per request.
builder.WebHost.ConfigureKestrel(kestrel =>
    kestrel.Limits.MaxRequestBodySize = Gateway.Proxy.BodyLimits.Export
);
builder.AddGatewayServices();

var app = builder.Build();
app.UseErrorResponses();
var instance = app.Configuration["Gateway:InstanceId"] ?? "";
app.Use(
    (http, next) =>
    {
        http.Response.Headers["X-Subsidy-Instance"] = instance;
        return next(http);
    }
);
app.Use((http, next) => Gateway.Proxy.BodyLimits.EnforceAsync(http, () => next(http)));
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapDevTokenApi();
app.MapApiReference();
app.MapOperationsApi();
app.MapReverseProxy(proxy =>
{
    proxy.Use(ServiceAvailability.AnswerUnavailable);
    proxy.UseSessionAffinity();
    proxy.UseLoadBalancing();
    proxy.UsePassiveHealthChecks();
});
app.Run();

public partial class Program;
