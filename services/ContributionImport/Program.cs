using ContributionImport;
using ContributionImport.Apis;
using Subsidy.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
// Contribution exports of a whole county run to hundreds of megabytes; they are streamed, never buffered.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 2L << 30);
builder.AddApplicationServices();

var app = builder.Build();
await app.MigrateDatabaseAsync(typeof(Program).Assembly);

app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapContributionImportApi();
app.Run();

public partial class Program;
