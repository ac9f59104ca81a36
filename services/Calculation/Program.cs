using Calculation;
using Calculation.Apis;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Http;
using Subsidy.ServiceDefaults.OpenApi;
using Subsidy.ServiceDefaults.Resilience;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddSubsidyOpenApi(
    "补助测算 Calculation",
    "逐人测算、村年度结算、异议、缴费通知与税务回执、汇总（docs/design/04-calculation.md、docs/design/05-settlement.md、docs/design/07-tax-bureau.md）。"
);

var app = builder.Build();
app.UseErrorResponses();
app.UseFailoverRetry();
await app.MigrateDatabaseAsync(typeof(Program).Assembly);

app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapCalculationApi();
app.MapSubsidyOpenApi("calculation");
app.Run();

public partial class Program;
