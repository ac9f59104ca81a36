using System.Globalization;
using Subsidy.Contracts;
using Subsidy.Demo;

// The demo of the run command (./run.sh demo): a county-year of 浮梁县 driven through the gateway.
// Subsidy.Demo accounts <file>                  — writes the demo's accounts (the identity service
// creates them at its start) Subsidy.Demo <gateway> --accounts <file>      — runs the year, its
// people signing in with those accounts
var gateway = new Uri(
    args.FirstOrDefault(a => a.StartsWith("http", StringComparison.Ordinal))
        ?? "http://localhost:5080"
);

// The business day is the date in China (docs/design/01-purpose-and-reference-data.md), whatever
// the machine's zone.
var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);
var options = DemoOptions.County(today);
string? accountsFile = null;
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--villages-per-township")
        options = options with
        {
            VillagesPerTownship = int.Parse(args[i + 1], CultureInfo.InvariantCulture),
        };
    if (args[i] == "--rows")
        options = options with { Rows = int.Parse(args[i + 1], CultureInfo.InvariantCulture) };
    if (args[i] == "--accounts")
        accountsFile = args[i + 1];
}
if (args is ["accounts", var file, ..])
{
    if (!File.Exists(file))
        DemoAccountsFile.Write(file, DemoAccounts.For(options));
    if (args.Contains("--print"))
    {
        Console.WriteLine(
            $"演示账号 demo accounts (all in {file}; county and city roles also need the authenticator key):"
        );
        foreach (var account in DemoAccountsFile.Read(file).Take(6))
            Console.WriteLine(
                $"  {account.UserName, -28} {account.Password, -16} {account.TotpKey}"
            );
    }
    return 0;
}
var accounts = accountsFile is null
    ? null
    : new DemoAccounts(gateway, DemoAccountsFile.Read(accountsFile));
Console.WriteLine($"演示：{options.Year} 年度浮梁县集体补助，经网关 {gateway} 办理全年流程 …");
var result = await new DemoYear(gateway, options, Console.Out, accounts).RunAsync();

var county = result.CountySummary["division"]!;
Console.WriteLine();
Console.WriteLine("完成 Done.");
Console.WriteLine($"  网关 Gateway:            {gateway}  (登录 sign-in: {gateway}account/login)");
Console.WriteLine(
    $"  业务工作台 Portal:        {gateway}  (用下列演示账号登录 sign in with the demo accounts below)"
);
Console.WriteLine($"  API 文档 API reference:  {gateway}api/reference");
Console.WriteLine(
    "  控制台 Dashboard:        http://localhost:15080  (traces, logs; business metrics under meter Subsidy: subsidy.import.rows_accepted/rows_rejected, subsidy.village_years, subsidy.calculation.duration, subsidy.document.render.duration, subsidy.backlog, subsidy.dead_letters)"
);
Console.WriteLine(
    $"  县汇总 County totals:     {county["villageYears"]} 村, 符合条件 {county["eligible"]} 人, 补助 {county["amount"]} 元, 已缴 {county["paidAmount"]} 元, 已到账 {county["creditedAmount"]} 元"
);
Console.WriteLine(
    $"  状态 States:             {string.Join(", ", county["states"]!.AsObject().Select(s => $"{s.Key} {s.Value}"))}"
);
Console.WriteLine(
    $"  文书 Documents:          {string.Join(", ", result.Documents.Select(d => $"{d.Key} {d.Value}"))}  → GET {gateway}api/documents?division=360222"
);
Console.WriteLine(
    $"  往年补缴 Back payments:   明细中 {result.BackPaymentRows:N0} 条为往年补缴（保留其缴费年度）; 一次性补缴人员 {result.LumpSumExcluded} 人不予补助 (LUMP_SUM_BACK_PAYMENT)"
);
Console.WriteLine(
    $"  暂停试点的村 suspended:   {result.SuspendedVillage};  预算受限的村 budget-limited: {result.BudgetVillage};  有异议的村 objection: {result.ObjectionVillage}"
);
if (result.Statement is { } statement)
{
    var tiers = statement["tiers"]!.AsArray();
    Console.WriteLine(
        $"  告知书 Resident statement: {statement["name"]} {IdNumber.Mask(statement["idNumber"]!.GetValue<string>())}（{statement["villageCode"]}）: 所选档次 {statement["chosenTier"]} 元, 今年补助 {statement["currentSubsidy"]} 元"
            + (
                statement["nextTier"] is { } next
                    ? $", 改缴 {next} 元档可得 {statement["nextTierSubsidy"]} 元"
                    : ""
            )
            + $"; 已到账 {statement["creditedTotal"]} 元, 60岁时每月约增 {statement["monthlyFromCredited"]} 元（{statement["formula"]}）; 告知书 PDF {result.StatementPdfBytes:N0} 字节"
    );
    Console.WriteLine(
        $"    各档 tiers: {string.Join("; ", tiers.Take(6).Select(t => $"{t!["tier"]} 元档 补助 {t["subsidy"]} 元, 至60岁每月约 {t["monthlyAt60"]} 元"))} …"
    );
}
if (result.Assessment is { } assessment)
{
    var total = assessment["total"]!;
    Console.WriteLine(
        $"  考核 Assessment:          全县 试点村 {total["pilotVillages"]}/{total["villages"]}, 享受 {total["subsidised"]} 人, 到账 {total["credited"]} 元; 前三名 top three:"
    );
    foreach (var row in assessment["rows"]!.AsArray().Take(3))
    {
        Console.WriteLine(
            $"    {row!["rank"]}. {row["name"]}  试点村 {row["pilotVillages"]}/{row["villages"]}, 参保 {row["members"]} 人, 享受 {row["subsidised"]} 人, 到账 {row["credited"]} 元, 平均档次 {row["averageTier"]} 元, 千元及以上占比 {row["shareAt1000"]}"
        );
    }
}
Console.WriteLine(
    $"  汇总接口 Roll-up:         GET {gateway}api/calculation/summaries/360222000000/{options.Year}"
);
Console.WriteLine(
    $"  用时 Time:               {result.Stages.Sum(s => s.Time.TotalSeconds):0} s ({string.Join("; ", result.Stages.Select(s => $"{s.Stage} {s.Time.TotalSeconds:0.0} s"))})"
);
if (accounts is not null)
{
    Console.WriteLine(
        $"  演示账号 Demo accounts:  (all {accounts.Accounts.Count} in {accountsFile}; county and city roles also need the authenticator key)"
    );
    foreach (
        var account in accounts
            .Accounts.Take(5)
            .Append(accounts.Accounts.First(a => a.Role == "village-clerk"))
    )
    {
        Console.WriteLine(
            $"    {account.UserName, -28} {account.Password, -16} {account.DisplayName}{(account.TotpKey is null ? "" : $"  身份验证器密钥 TOTP key: {account.TotpKey}")}"
        );
    }
}
return 0;
