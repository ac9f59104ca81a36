using ContributionImport;
using ContributionImport.Apis;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Http;
using Subsidy.ServiceDefaults.OpenApi;
using Subsidy.ServiceDefaults.Resilience;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddSubsidyOpenApi(
    "缴费明细导入 Contribution import",
    "参保缴费明细与成员名册的导入、批次与错误清单（docs/design/03-import.md）。"
);

var app = builder.Build();
app.UseErrorResponses();
app.UseFailoverRetry();
await app.MigrateDatabaseAsync(typeof(Program).Assembly);

app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapContributionImportApi();
app.MapSubsidyOpenApi("imports");
app.Run();

public partial class Program;
