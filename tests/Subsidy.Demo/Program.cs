using System.Globalization;
using Subsidy.Demo;

// The demo of the run command (./run.sh demo): a county-year of 浮梁县 driven through the gateway.
var gateway = new Uri(args.FirstOrDefault(a => a.StartsWith("http", StringComparison.Ordinal)) ?? "http://localhost:5080");
// The business day is the date in China (DESIGN §2), whatever the machine's zone.
var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);
var options = DemoOptions.County(today);
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--villages-per-township") options = options with { VillagesPerTownship = int.Parse(args[i + 1], CultureInfo.InvariantCulture) };
    if (args[i] == "--rows") options = options with { Rows = int.Parse(args[i + 1], CultureInfo.InvariantCulture) };
}
Console.WriteLine($"演示：{options.Year} 年度浮梁县集体补助，经网关 {gateway} 办理全年流程 …");
var result = await new DemoYear(gateway, options, Console.Out).RunAsync();

var county = result.CountySummary["division"]!;
Console.WriteLine();
Console.WriteLine("完成 Done.");
Console.WriteLine($"  网关 Gateway:            {gateway}  (演示用户 demo users: {gateway}dev/users)");
Console.WriteLine($"  业务工作台 Portal:        {gateway}  (登录页列出演示用户：县社保中心 county-centre、县人社局 county-bureau、市人社局 city-bureau、乡镇 township-officer、审计 auditor；");
Console.WriteLine($"                           本次演示的村用“其他”：村级经办 + 村代码，例如 {result.ObjectionVillage})");
Console.WriteLine($"  API 文档 API reference:  {gateway}api/reference");
Console.WriteLine("  控制台 Dashboard:        http://localhost:15080  (traces, logs; business metrics under meter Subsidy: subsidy.import.rows_accepted/rows_rejected, subsidy.village_years, subsidy.calculation.duration, subsidy.document.render.duration, subsidy.backlog, subsidy.dead_letters)");
Console.WriteLine($"  县汇总 County totals:     {county["villageYears"]} 村, 享受 {county["eligible"]} 人, 补助 {county["amount"]} 元, 已缴 {county["paidAmount"]} 元, 已到账 {county["creditedAmount"]} 元");
Console.WriteLine($"  状态 States:             {string.Join(", ", county["states"]!.AsObject().Select(s => $"{s.Key} {s.Value}"))}");
Console.WriteLine($"  文书 Documents:          {string.Join(", ", result.Documents.Select(d => $"{d.Key} {d.Value}"))}  → GET {gateway}api/documents?division=360222");
Console.WriteLine($"  往年补缴 Back payments:   明细中 {result.BackPaymentRows:N0} 条为往年补缴（保留其缴费年度）; 一次性补缴人员 {result.LumpSumExcluded} 人不予补助 (LUMP_SUM_BACK_PAYMENT)");
Console.WriteLine($"  暂停试点的村 suspended:   {result.SuspendedVillage};  预算受限的村 budget-limited: {result.BudgetVillage};  有异议的村 objection: {result.ObjectionVillage}");
Console.WriteLine($"  汇总接口 Roll-up:         GET {gateway}api/calculation/summaries/360222000000/{options.Year}");
Console.WriteLine($"  用时 Time:               {result.Stages.Sum(s => s.Time.TotalSeconds):0} s ({string.Join("; ", result.Stages.Select(s => $"{s.Stage} {s.Time.TotalSeconds:0.0} s"))})");
return 0;
