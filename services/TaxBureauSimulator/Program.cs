using Subsidy.ServiceDefaults.Http;
using TaxBureauSimulator;

// A stand-in for the county tax bureau (docs/design/07-tax-bureau.md), for local and test set-ups
// only: it takes payment requests from RabbitMQ and answers as it is told per village — pay,
// short-pay, over-pay, pay twice, reject, or answer for a notice nobody issued.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddSimulator();

var app = builder.Build();
app.UseErrorResponses();
app.MapDefaultEndpoints();
app.MapSimulatorApi();
app.Run();
