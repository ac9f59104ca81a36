using Identity;
using Identity.Apis;
using Identity.Commands;
using Identity.Connect;
using Identity.Seeding;
using Identity.SignIn;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Http;
using Subsidy.ServiceDefaults.Resilience;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
if (IdentityCommands.IsCommand(args))
{
    // The command's own lines are what the operator reads: no start-up and migration chatter around
    // them.
    builder.Configuration.AddInMemoryCollection([
        new("Logging:LogLevel:Default", "Warning"),
        new("Logging:LogLevel:Migrations", "Warning"),
    ]);
    builder.AddApplicationServices(serving: false);
    return await IdentityCommands.RunAsync(builder.Build(), args);
}
builder.AddApplicationServices();

var app = builder.Build();
app.UseErrorResponses();
app.UseFailoverRetry();
await app.MigrateDatabaseAsync(typeof(Program).Assembly);
await app.PrepareAsync();

app.UseForwardedHeaders();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapSignInPages();
app.MapConnectApi();
app.MapAccountsApi().MapClientsApi();
app.Run();
return 0;

public partial class Program;
