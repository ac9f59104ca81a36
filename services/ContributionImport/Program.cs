using Subsidy.ServiceDefaults.OpenApi;
using ContributionImport;
using ContributionImport.Apis;
using Subsidy.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
// Contribution exports of a whole county run to hundreds of megabytes; they are streamed, never buffered.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 2L << 30);
builder.AddApplicationServices();
builder.AddSubsidyOpenApi("缴费明细导入 Contribution import", "参保缴费明细与成员名册的导入、批次与错误清单（DESIGN §4）。");

var app = builder.Build();
await app.MigrateDatabaseAsync(typeof(Program).Assembly);

app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapContributionImportApi();
app.MapSubsidyOpenApi("imports");
app.Run();

public partial class Program;
