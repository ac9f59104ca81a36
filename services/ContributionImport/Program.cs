using Subsidy.ServiceDefaults.Http;
using ContributionImport;
using ContributionImport.Apis;
using Subsidy.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.UseErrorResponses();
await app.MigrateDatabaseAsync(typeof(Program).Assembly);

app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapContributionImportApi();
app.Run();

public partial class Program;
