using SchemeRegistry;
using SchemeRegistry.Apis;
using SchemeRegistry.Divisions;
using SchemeRegistry.PolicyYears;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Operations;
using Subsidy.ServiceDefaults.Http;
using Subsidy.ServiceDefaults.OpenApi;
using Subsidy.ServiceDefaults.Resilience;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.UseErrorResponses();
app.UseFailoverRetry();
await app.MigrateDatabaseAsync(typeof(Program).Assembly);
await app.Services.GetRequiredService<DivisionSeeder>().SeedAsync(app.Lifetime.ApplicationStopping);
await app
    .Services.GetRequiredService<PolicyYearSeeder>()
    .SeedAsync(app.Lifetime.ApplicationStopping);

app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapSubsidyOpenApi("registry");
app.MapDivisionsApi();
app.MapPolicyYearsApi();
app.MapPilotsApi();
app.MapSchemesApi();
app.MapGroup("/api/registry")
    .RequireAuthorization()
    .WithTags("审计")
    .MapAuditApi()
    .MapOperationsApi();
app.Run();

public partial class Program;
