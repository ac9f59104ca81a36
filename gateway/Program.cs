using Subsidy.ServiceDefaults.Http;
using Gateway;
using Gateway.Apis;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
// Contribution exports of a whole county run to hundreds of megabytes; they are streamed, never buffered.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 2L << 30);
builder.AddGatewayServices();

var app = builder.Build();
app.UseErrorResponses();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapDevTokenApi();
app.MapApiReference();
app.MapReverseProxy();
app.Run();

public partial class Program;
