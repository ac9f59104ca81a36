using Document;
using Document.Apis;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Http;
using Subsidy.ServiceDefaults.OpenApi;
using Subsidy.ServiceDefaults.Resilience;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddSubsidyOpenApi(
    "文书 Documents",
    "花名册、公示、申报表、缴费通知单、到账明细与年度汇总表（docs/design/06-documents.md）。"
);

var app = builder.Build();
app.UseErrorResponses();
app.UseFailoverRetry();
await app.MigrateDatabaseAsync(typeof(Program).Assembly);

app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapDocumentsApi();
app.MapSubsidyOpenApi("documents");
app.Run();

public partial class Program;
