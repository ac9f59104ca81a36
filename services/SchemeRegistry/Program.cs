using SchemeRegistry;
using SchemeRegistry.Apis;
using SchemeRegistry.Divisions;
using Subsidy.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
await app.MigrateDatabaseAsync(typeof(Program).Assembly);
await app.Services.GetRequiredService<DivisionSeeder>().SeedAsync(CancellationToken.None);

app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapDivisionsApi();
app.Run();

public partial class Program;
