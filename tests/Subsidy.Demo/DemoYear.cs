using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Subsidy.Demo;

public sealed record DemoOptions(
    IReadOnlyList<string> Townships,
    int VillagesPerTownship,
    int FirstVillageNumber,
    int Rows,
    int Year,
    DateOnly Today,
    int Parallel = 4,
    IReadOnlyList<DemoCounty>? Counties = null,
    int? Villages = null
)
{
    /// <summary>浮梁县: all 16 townships, 10 villages each, some 60,000 insured people.</summary>
    public static DemoOptions County(DateOnly today) =>
        new(DemoExport.Townships, 10, 230, 180_000, today.Year, today);

    /// <summary>景德镇市: <paramref name="villages"/> villages spread over its four counties and
    /// districts, each with its own centre, bureau, export and policy year.</summary>
    public static DemoOptions City(DateOnly today, int villages, int rows, int parallel) =>
        new([], 0, 200, rows, today.Year, today, parallel, DemoCounty.Jingdezhen, villages);

    /// <summary>Each county's villages: 浮梁县's townships alone, or the city's counties.</summary>
    public IReadOnlyList<(DemoCounty County, IReadOnlyList<string> Villages)> CountyVillages() =>
        Counties is null
            ?
            [
                (
                    DemoCounty.FuLiang(Townships),
                    DemoExport.Villages(Townships, VillagesPerTownship, FirstVillageNumber)
                ),
            ]
            : DemoCounty.Spread(
                Counties,
                Villages ?? VillagesPerTownship * Counties.Sum(c => c.Townships.Count),
                FirstVillageNumber
            );
}

public sealed record DemoResult(
    IReadOnlyList<string> Villages,
    string SuspendedVillage,
    string BudgetVillage,
    string ObjectionVillage,
    IReadOnlyList<string> DuplicateVillages,
    JsonObject CountySummary,
    IReadOnlyDictionary<string, int> Documents,
    IReadOnlyList<(string Stage, TimeSpan Time)> Stages,
    int BackPaymentRows = 0,
    int LumpSumExcluded = 0,
    JsonObject? Statement = null,
    int StatementPdfBytes = 0,
    JsonObject? Assessment = null,
    JsonObject? CitySummary = null,
    JsonObject? CityAssessment = null
);

/// <summary>
/// Drives a county's subsidy year through the gateway as its users would (docs/design/): villages
/// and pilots, one scheme per village of every shape, rosters, the county's contribution export,
/// and then each village's settlement from confirmation to credited, with one objection, one
/// suspended village and one on a tight budget.
/// </summary>
public sealed class DemoYear(
    Uri gateway,
    DemoOptions options,
    TextWriter log,
    IDemoSignIn? signIn = null
)
{
    /// <summary>景德镇市, the scope of the city's bureau and auditor.</summary>
    private const string City = "3602";
    private readonly IDemoSignIn _signIn = signIn ?? new DevTokens(gateway);
    private static readonly string[] NameParts =
    [
        "礼芳",
        "新平",
        "桃岭",
        "南安",
        "金竹",
        "梅湖",
        "高岭",
        "东港",
        "石溪",
        "柳塘",
        "青山",
        "双河",
        "瑶坑",
        "沧溪",
        "西坑",
        "荷塘",
        "竹林",
        "长岭",
        "白石",
        "杨村",
    ];
    private readonly Dictionary<string, Task<HttpClient>> _clients = [];
    private readonly Lock _gate = new();

    public async Task<DemoResult> RunAsync()
    {
        var stages = new List<(string, TimeSpan)>();
        var clock = Stopwatch.StartNew();
        void Stage(string name)
        {
            stages.Add((name, clock.Elapsed));
            log.WriteLine($"  {name}: {clock.Elapsed.TotalSeconds:0.0} s");
            clock.Restart();
        }

        var counties = options.CountyVillages();
        var villages = counties.SelectMany(c => c.Villages).ToList();
        var suspended = villages[Math.Min(7, villages.Count - 1)];
        var budgetLimited = villages[Math.Min(5, villages.Count - 2)];
        var objectionVillage = villages[Math.Min(3, villages.Count - 3)];
        // Each county's centre exports its own county (docs/design/03-import.md): the city's rows
        // are shared out by villages (the last county takes what is left), and every county's
        // people have their own ID numbers.
        var files = new List<(DemoCounty County, string File)>();
        var people = new List<Person>();
        var backPaymentRows = 0;
        var (rowsLeft, villagesLeft) = (options.Rows, villages.Count);
        foreach (var (county, villagesOfCounty) in counties)
        {
            var rows = (int)((long)rowsLeft * villagesOfCounty.Count / villagesLeft);
            (rowsLeft, villagesLeft) = (rowsLeft - rows, villagesLeft - villagesOfCounty.Count);
            var file = Path.Combine(
                Path.GetTempPath(),
                $"subsidy-demo-{county.Code}-{Guid.NewGuid():N}.csv"
            );
            DemoExport.Write(file, rows, options.Year, villagesOfCounty, county: county.Code);
            var peopleOfCounty = ReadPeople(file);
            people.AddRange(peopleOfCounty);
            backPaymentRows += File.ReadLines(file)
                .Skip(1)
                .Count(l => !l.Contains($",{options.Year},", StringComparison.Ordinal));
            files.Add((county, file));
            log.WriteLine(
                $"{county.Name} {options.Year}: {villagesOfCounty.Count} 个村, {peopleOfCounty.Count:N0} 名参保人, {rows:N0} 条缴费明细"
            );
        }

        // Counties the registry does not hold yet: the city bureau adds them, their bureaus their
        // townships and each its own policy year.
        var city = await As("city-bureau", City);
        foreach (var (county, _) in counties.Where(c => !c.County.Seeded))
        {
            await Expect(
                city.PostAsJsonAsync(
                    "/api/registry/divisions",
                    new { code = county.DivisionCode, name = county.Name }
                ),
                HttpStatusCode.Created,
                HttpStatusCode.Conflict
            );
            var bureau = await As("county-bureau", county.Code);
            foreach (var township in county.Townships)
                await Expect(
                    bureau.PostAsJsonAsync(
                        "/api/registry/divisions",
                        new { code = $"{county.Code}{township.Code}000", name = township.Name }
                    ),
                    HttpStatusCode.Created,
                    HttpStatusCode.Conflict
                );
            await Expect(
                bureau.PutAsJsonAsync(
                    $"/api/registry/policy-years/{county.DivisionCode}/{options.Year}",
                    new
                    {
                        tiers = DemoExport.ProvinceTiers,
                        specialTier = 100,
                        exportDeadline = new DateOnly(options.Year, 11, 15),
                    }
                ),
                HttpStatusCode.OK,
                HttpStatusCode.Created
            );
        }
        await ForEachAsync(villages, async (village, i) =>
        {
            var county = await As("county-bureau", village[..6]);
            await Expect(
                county.PostAsJsonAsync(
                    "/api/registry/divisions",
                    new { code = village, name = NameOf(i) }
                ),
                HttpStatusCode.Created,
                HttpStatusCode.Conflict
            );
            var clerk = await As("village-clerk", village);
            await Expect(
                clerk.PostAsJsonAsync(
                    $"/api/registry/pilots/{village}/apply",
                    new
                    {
                        lastYearIncome = 500000,
                        operatingIncome = 300000,
                        plannedSubsidy = 80000,
                    }
                ),
                HttpStatusCode.OK
            );
            await Expect(
                county.PostAsJsonAsync($"/api/registry/pilots/{village}/approve", new { }),
                HttpStatusCode.OK
            );
        });
        Stage("村与试点 villages and pilots");

        // One of each shape: roster and insured-in-village membership, sum and max stacking, a
        // tight budget.
        var rosterVillages = villages.Where((_, i) => i % 2 == 0).ToHashSet();
        await ForEachAsync(villages, async (village, i) =>
        {
            var clerk = await As("village-clerk", village);
            var terms = Terms(
                rosterVillages.Contains(village) ? "roster" : "insured-in-village",
                i % 3 == 0 ? "max" : "sum",
                village == budgetLimited ? 3000 : 200000,
                NameOf(i),
                options.Today,
                counties.First(c => c.County.Code == village[..6]).County
            );
            var draft = await Read(
                await clerk.SendAsync(
                    Post(
                        "/api/registry/schemes",
                        new
                        {
                            villageCode = village,
                            year = options.Year,
                            terms,
                        },
                        options.Today
                    )
                ),
                HttpStatusCode.Created
            );
            var id = draft["id"]!.GetValue<string>();
            await Expect(
                clerk.SendAsync(Post($"/api/registry/schemes/{id}/submit", null, options.Today)),
                HttpStatusCode.OK
            );
            await Expect(
                (await As("township-officer", village[..9])).SendAsync(
                    Post($"/api/registry/schemes/{id}/township-approve", null, options.Today)
                ),
                HttpStatusCode.OK
            );
            await Expect(
                (await As("county-bureau", village[..6])).SendAsync(
                    Post($"/api/registry/schemes/{id}/county-approve", null, options.Today)
                ),
                HttpStatusCode.OK
            );
        });
        if (options.Counties is not null)
            await FileSchemesAsync(city);
        Stage("方案审批 schemes approved");

        // Rosters; one person is listed by two villages (held as DUPLICATE_MEMBERSHIP in both).
        var rosterList = rosterVillages.Order(StringComparer.Ordinal).ToList();
        var duplicate = people.First(p => p.Village == rosterList[0] && p.Eligible);
        var duplicateVillages = new List<string>
        {
            rosterList[0],
            rosterList.Count > 1 && rosterList[1][..6] == rosterList[0][..6]
                ? rosterList[1]
                : rosterList[0],
        };
        foreach (var (county, villagesOfCounty) in counties)
        {
            var centre = await As("county-centre", county.Code);
            await Eventually(
                async () =>
                    (
                        await centre.GetAsync($"/api/imports/divisions/{villagesOfCounty[^1]}")
                    ).IsSuccessStatusCode,
                "the villages to reach the import"
            );
        }
        await ForEachAsync(rosterList, async (village, _) =>
        {
            var roster = new StringBuilder("姓名,公民身份号码,特殊群体\r\n");
            foreach (var person in people.Where(p => p.Village == village))
                roster.Append(
                    CultureInfo.InvariantCulture,
                    $"{person.Name},{person.IdNumber},\r\n"
                );
            if (village == duplicateVillages[1] && duplicateVillages[0] != duplicateVillages[1])
                roster.Append(
                    CultureInfo.InvariantCulture,
                    $"{duplicate.Name},{duplicate.IdNumber},\r\n"
                );
            var clerk = await As("village-clerk", village);
            await Expect(
                clerk.PostAsync(
                    $"/api/imports/rosters?village={village}&year={options.Year}",
                    new ByteArrayContent(Encoding.UTF8.GetBytes(roster.ToString()))
                ),
                HttpStatusCode.Accepted
            );
        });
        Stage("成员名册 rosters");

        // Every county centre uploads its own export, as they would on the same day.
        await Task.WhenAll(files.Select(f => ImportAsync(f.County, f.File)));
        Stage("缴费明细导入 contribution export imported");

        // The county bureau suspends one village's pilot (集体经济困难): its village-year is halted.
        await Expect(
            (await As("county-bureau", suspended[..6])).PostAsJsonAsync(
                $"/api/registry/pilots/{suspended}/suspend",
                new { reason = "村集体经营收入下降，暂停补助", effectiveDate = options.Today }
            ),
            HttpStatusCode.OK
        );
        var observer = await As("auditor", City); // the city's auditor, for the polling
        await Eventually(
            async () =>
            {
                var states = await StatesAsync(observer, villages);
                return states.Count == villages.Count
                    && states.All(s => s.Value is "calculated" or "suspended")
                    && states[suspended] == "suspended";
            },
            "every village to be calculated"
        );
        Stage("补助测算 calculated");

        var settled = villages.Where(v => v != suspended).ToList();
        var payableTotals = new System.Collections.Concurrent.ConcurrentDictionary<
            string,
            decimal
        >();
        await ForEachAsync(settled, async (village, _) =>
        {
            var clerk = await As("village-clerk", village);
            var township = await As("township-officer", village[..9]);
            var path = $"/api/calculation/village-years/{village}/{options.Year}";
            await Expect(
                clerk.SendAsync(Post($"{path}/confirm", null, options.Today)),
                HttpStatusCode.OK
            );
            var notice = await Read(
                await clerk.SendAsync(Post($"{path}/notice", null, options.Today)),
                HttpStatusCode.OK
            );
            if (
                village == objectionVillage
                && (await clerk.GetFromJsonAsync<JsonObject>(path))!["results"]!
                    .AsArray()
                    .FirstOrDefault()
                    is { } first
            )
            {
                await Expect(
                    township.SendAsync(
                        Post(
                            $"{path}/objections",
                            new
                            {
                                memberKey = first["memberKey"]!.GetValue<string>(),
                                complaint = "本人认为补助档次有误",
                            },
                            options.Today.AddDays(2)
                        )
                    ),
                    HttpStatusCode.OK
                );
                var objection = (await township.GetFromJsonAsync<JsonArray>($"{path}/objections"))![
                    0
                ]!["id"]!.GetValue<string>();
                await Expect(
                    township.SendAsync(
                        Post(
                            $"{path}/objections/{objection}/dismiss",
                            new { reason = "经核实，按实际缴费档次测算无误" },
                            options.Today.AddDays(3)
                        )
                    ),
                    HttpStatusCode.OK
                );
            }
            await Expect(
                clerk.SendAsync(Post($"{path}/notice/close", null, options.Today.AddDays(7))),
                HttpStatusCode.OK
            );
            await Expect(
                clerk.SendAsync(Post($"{path}/application", null, options.Today.AddDays(7))),
                HttpStatusCode.OK
            );
            if (notice["total"]!.GetValue<decimal>() > 0)
                payableTotals[village] = notice["total"]!.GetValue<decimal>();
        });
        // Each county centre approves its applications at once and issues the payment notices at
        // once, as its list offers (村年度一览 filtered by state, 全部…).
        await ByCountyCentreAsync(settled, async (centre, ofCounty) =>
        {
            await BatchAsync(centre, "approval", ofCounty, options.Today.AddDays(8));
            await BatchAsync(
                centre,
                "payment-notice",
                ofCounty.Where(payableTotals.ContainsKey).ToList(),
                options.Today.AddDays(8)
            );
        });
        Stage(
            "确认、公示、申报、审核、缴费通知 confirmed, noticed, applied, approved, payment notices issued"
        );

        // Villages with something to pay have a payment notice; those whose members all came to 0
        // stop at approval.
        var payable = (await StatesAsync(observer, settled))
            .Where(s => s.Value is "payment-notice-issued" or "paid")
            .Select(s => s.Key)
            .ToList();
        await Eventually(
            async () => (await StatesAsync(observer, payable)).All(s => s.Value == "paid"),
            "the tax bureau's receipts"
        );
        Stage("税务缴费 paid at the tax bureau (simulated)");

        await ByCountyCentreAsync(payable, (centre, ofCounty) =>
            BatchAsync(centre, "credit", ofCounty, options.Today.AddDays(12))
        );
        // The credited-details export is each village's last document: once all are there, the
        // year's documents are issued.
        var ours = villages.ToHashSet();
        var area = options.Counties is null ? counties[0].County.Code : City;
        await Eventually(
            async () =>
                (
                    await observer.GetFromJsonAsync<JsonArray>(
                        $"/api/documents?division={area}&year={options.Year}&kind=credited-csv"
                    )
                )!.Count(d => ours.Contains(d!["divisionCode"]!.GetValue<string>()))
                >= payable.Count,
            "the documents"
        );
        Stage("到账与文书 credited, documents issued");

        // 算清经济账: one resident of a credited village, as their clerk would explain it, and the 告知书
        // printed for them.
        var (resident, residentClerk, statement) = await StatementOfASubsidisedResidentAsync(
            people.Where(p => p.Eligible && payable.Contains(p.Village))
        );
        var printed = await residentClerk.PostAsJsonAsync(
            $"/api/documents/statements/{resident.Village}/{options.Year}",
            new { idNumber = resident.IdNumber }
        );
        if (printed.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException(
                $"告知书 answered {(int)printed.StatusCode}: {await printed.Content.ReadAsStringAsync()}"
            );
        var statementPdf = (await printed.Content.ReadAsByteArrayAsync()).Length;
        // 考核: the county's townships (and, for a city, the city's counties ranked), from the
        // events the document service received during the year.
        var firstCounty = counties[0].County;
        var assessment = await Read(
            await (await As("county-bureau", firstCounty.Code)).PostAsync(
                $"/api/documents/assessments/{firstCounty.DivisionCode}/{options.Year}",
                null
            ),
            HttpStatusCode.OK
        );
        var cityAssessment = options.Counties is null
            ? null
            : await Read(
                await city.PostAsync(
                    $"/api/documents/assessments/{City}00000000/{options.Year}",
                    null
                ),
                HttpStatusCode.OK
            );
        Stage("算清经济账与考核 a resident's statement and the county's assessment");

        // What the year came to, read after the clock: summaries, documents, lump-sum payers.
        var countySummary = (
            await observer.GetFromJsonAsync<JsonObject>(
                $"/api/calculation/summaries/{firstCounty.DivisionCode}/{options.Year}"
            )
        )!;
        var citySummary = options.Counties is null
            ? null
            : await observer.GetFromJsonAsync<JsonObject>(
                $"/api/calculation/summaries/{City}00000000/{options.Year}"
            );
        var documents = (
            await observer.GetFromJsonAsync<JsonArray>(
                $"/api/documents?division={area}&year={options.Year}"
            )
        )!
            .Where(d => ours.Contains(d!["divisionCode"]!.GetValue<string>()))
            .GroupBy(d => d!["kind"]!.GetValue<string>())
            .ToDictionary(g => g.Key, g => g.Count());
        // 一次性补缴 payers (their back payments pay for earlier years) are excluded: count them from
        // each village's totals.
        var lumpSumExcluded = 0;
        foreach (var village in villages)
        {
            var totals = (
                await observer.GetFromJsonAsync<JsonObject>(
                    $"/api/calculation/village-years/{village}/{options.Year}?pageSize=1"
                )
            )!["totals"]!.AsArray();
            lumpSumExcluded += totals
                .Where(t => t!["code"]!.GetValue<string>() == "LUMP_SUM_BACK_PAYMENT")
                .Sum(t => t!["members"]!.GetValue<int>());
        }
        foreach (var (_, file) in files)
            File.Delete(file);
        return new DemoResult(
            villages,
            suspended,
            budgetLimited,
            objectionVillage,
            duplicateVillages,
            countySummary,
            documents,
            stages,
            backPaymentRows,
            lumpSumExcluded,
            statement,
            statementPdf,
            assessment,
            citySummary,
            cityAssessment
        );
    }

    /// <summary>A county centre's upload of its county's export, until the import accepts
    /// it.</summary>
    private async Task ImportAsync(DemoCounty county, string file)
    {
        var centre = await As("county-centre", county.Code);
        await using var body = File.OpenRead(file);
        var upload = await Read(
            await centre.PostAsync(
                $"/api/imports/contributions?scope={county.Code}&year={options.Year}&fileName=export.csv",
                new StreamContent(body)
            ),
            HttpStatusCode.Accepted
        );
        await Eventually(
            async () =>
            {
                var batch = await centre.GetFromJsonAsync<JsonObject>(
                    $"/api/imports/batches/{upload["id"]}"
                );
                var state = batch!["state"]!.GetValue<string>();
                if (state is "rejected" or "failed")
                    throw new InvalidOperationException($"{county.Name}导入被拒绝: {batch}");
                return state == "accepted";
            },
            $"{county.Name}'s export to be accepted"
        );
    }

    /// <summary>The city bureau files (备案) every scheme its counties approved, 500 to a request
    /// as its list offers them.</summary>
    private async Task FileSchemesAsync(HttpClient city)
    {
        var ids = (
            await city.GetFromJsonAsync<JsonArray>(
                $"/api/registry/schemes?year={options.Year}&state=county-approved"
            )
        )!
            .Select(s => s!["id"]!.GetValue<string>())
            .ToList();
        foreach (var chunk in ids.Chunk(500))
        {
            var answer = await Read(
                await city.PostAsJsonAsync(
                    "/api/registry/schemes/batch",
                    new { action = "file", ids = chunk }
                ),
                HttpStatusCode.OK
            );
            if (answer["refused"]!.GetValue<int>() > 0)
                throw new InvalidOperationException($"备案: {answer}");
        }
    }

    /// <summary>The statement of the first of these residents who was subsidised this year (of the
    /// last one asked when none of the first 50 was), so the demo's statement has something to
    /// explain.</summary>
    private async Task<(
        Person Resident,
        HttpClient Clerk,
        JsonObject Statement
    )> StatementOfASubsidisedResidentAsync(IEnumerable<Person> candidates)
    {
        (Person, HttpClient, JsonObject)? asked = null;
        foreach (var person in candidates.Take(50))
        {
            var clerk = await As("village-clerk", person.Village);
            var statement = await Read(
                await clerk.PostAsJsonAsync(
                    $"/api/calculation/village-years/{person.Village}/{options.Year}/statements",
                    new { idNumber = person.IdNumber }
                ),
                HttpStatusCode.OK
            );
            asked = (person, clerk, statement);
            if (statement["currentSubsidy"]!.GetValue<decimal>() > 0)
                break;
        }
        return asked
            ?? throw new InvalidOperationException(
                "没有已到账村的符合条件的参保人，无法演示算清经济账"
            );
    }

    private static string NameOf(int index) =>
        NameParts[index % NameParts.Length]
        + (
            index >= NameParts.Length
                ? NameParts[index / NameParts.Length % NameParts.Length][..1]
                : ""
        )
        + "村";

    public static object Terms(
        string membership,
        string stacking,
        decimal budget,
        string villageName,
        DateOnly today,
        DemoCounty? county = null
    ) =>
        new
        {
            membershipBasis = membership,
            stacking,
            floors = new object[]
            {
                new { group = "dibao", amount = 200 },
                new { group = "tekun", amount = 300 },
                new { group = "severe-disability", amount = 200 },
                new { group = "wubao", amount = 300 },
                new { group = "poverty-monitoring", amount = 100 },
            },
            incentives = new object[]
            {
                new { minTier = 500, amount = 50 },
                new { minTier = 1000, amount = 100 },
                new { minTier = 2000, amount = 200 },
                new { minTier = 3000, amount = 300 },
            },
            collectiveIncome = budget,
            donations = Array.Empty<object>(),
            procedure = new
            {
                proposedOn = today.AddDays(-40),
                firstDeliberationOn = today.AddDays(-35),
                secondDeliberationOn = today.AddDays(-30),
                resolvedOn = today.AddDays(-25),
                publishedOn = today.AddDays(-20),
            },
            organisationName = $"{county?.Name ?? "浮梁县"}{villageName}股份经济合作社",
            creditCode = CreditCodeOf(villageName, county?.Code ?? "360222"),
        };

    /// <summary>A valid 统一社会信用代码 for a village collective (N2 = 农村集体经济组织, then the county and a
    /// serial).</summary>
    private static string CreditCodeOf(string villageName, string county)
    {
        var serial = (
            villageName.Aggregate(17L, (h, c) => (h * 31 + c) % 1_000_000_007) % 1_000_000_000
        ).ToString("D9", CultureInfo.InvariantCulture);
        var first17 = "N2" + county + serial;
        return first17 + Subsidy.Contracts.CreditCode.CheckCharacter(first17);
    }

    /// <summary>A person of the export; <see cref="Eligible"/> when nothing but a second roster
    /// would exclude them.</summary>
    private sealed record Person(string Name, string IdNumber, string Village, bool Eligible);

    private List<Person> ReadPeople(string file) =>
        File.ReadLines(file)
            .Skip(1)
            .Select(l => l.Split(','))
            .GroupBy(c => c[1])
            .Select(g => new Person(
                g.First()[0],
                g.Key,
                g.First()[2],
                g.All(c => c[5] != "一次性补缴" && c[10] == "未领取")
                    && g.Any(c =>
                        c[3] == options.Year.ToString(CultureInfo.InvariantCulture)
                        && c[4] == "个人缴费"
                        && c[5] == "正常缴费"
                        && DateOnly.Parse(c[8], CultureInfo.InvariantCulture)
                            <= new DateOnly(options.Year, 9, 30)
                    )
            ))
            .ToList();

    private async Task<Dictionary<string, string>> StatesAsync(
        HttpClient observer,
        IEnumerable<string> villages
    )
    {
        // A township's summary lists its villages' states: the townships are asked side by side.
        var summaries = await Task.WhenAll(
            villages
                .GroupBy(v => v[..9])
                .Select(async group =>
                    (
                        Group: group.ToHashSet(),
                        Summary: await observer.GetFromJsonAsync<JsonObject>(
                            $"/api/calculation/summaries/{group.Key}000/{options.Year}"
                        )
                    )
                )
        );
        var states = new Dictionary<string, string>();
        foreach (var (group, summary) in summaries)
        {
            foreach (var child in summary!["children"]!.AsArray())
            {
                var code = child!["code"]!.GetValue<string>();
                if (group.Contains(code))
                    states[code] = child["states"]!.AsObject().Single().Key;
            }
        }
        return states;
    }

    /// <summary>Each county centre's share of the villages, worked by that centre side by side with
    /// the other counties'.</summary>
    private Task ByCountyCentreAsync(
        IEnumerable<string> villages,
        Func<HttpClient, IReadOnlyList<string>, Task> work
    ) =>
        Task.WhenAll(
            villages
                .GroupBy(v => v[..6])
                .Select(async county =>
                    await work(await As("county-centre", county.Key), county.ToList())
                )
        );

    /// <summary>One step of the county centre's on many village-years, in requests of at most 500
    /// (the API's limit); every one must be done.</summary>
    private async Task BatchAsync(
        HttpClient centre,
        string step,
        IReadOnlyList<string> villages,
        DateOnly on
    )
    {
        foreach (var chunk in villages.Chunk(500))
        {
            var answer = await Read(
                await centre.SendAsync(
                    Post(
                        "/api/calculation/village-years/batch",
                        new
                        {
                            year = options.Year,
                            step,
                            villages = chunk,
                        },
                        on
                    )
                ),
                HttpStatusCode.OK
            );
            if (answer["refused"]!.GetValue<int>() > 0)
                throw new InvalidOperationException(
                    $"{step}: "
                        + string.Join(
                            "; ",
                            answer["items"]!
                                .AsArray()
                                .Where(i => !i!["done"]!.GetValue<bool>())
                                .Select(i => $"{i!["villageCode"]} {i["reason"]}")
                        )
                );
        }
    }

    private async Task ForEachAsync(
        IReadOnlyList<string> villages,
        Func<string, int, Task> action
    ) =>
        await Parallel.ForEachAsync(
            villages.Select((v, i) => (v, i)),
            new ParallelOptions { MaxDegreeOfParallelism = options.Parallel },
            async (item, _) => await action(item.v, item.i)
        );

    private Task<HttpClient> As(string role, string scope)
    {
        lock (_gate)
        {
            var key = role + scope;
            if (!_clients.TryGetValue(key, out var client))
                _clients[key] = client = CreateAsync(role, scope);
            return client;
        }
    }

    private async Task<HttpClient> CreateAsync(string role, string scope)
    {
        var client = new HttpClient(new RetryOnTooManyRequests(new HttpClientHandler()))
        {
            BaseAddress = gateway,
            Timeout = TimeSpan.FromMinutes(10),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer",
            await _signIn.TokenAsync(role, scope)
        );
        return client;
    }

    private static HttpRequestMessage Post(string path, object? body, DateOnly businessDate)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(body ?? new { }),
        };
        request.Headers.Add(
            "X-Business-Date",
            businessDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        );
        return request;
    }

    private static async Task<JsonObject> Read(
        HttpResponseMessage response,
        params HttpStatusCode[] expected
    )
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!expected.Contains(response.StatusCode))
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {text}"
            );
        return string.IsNullOrEmpty(text) ? [] : JsonNode.Parse(text) as JsonObject ?? [];
    }

    private static async Task Expect(
        Task<HttpResponseMessage> call,
        params HttpStatusCode[] expected
    ) => await Read(await call, expected);

    private static async Task Eventually(Func<Task<bool>> probe, string what) =>
        await Eventually<object>(async () => await probe() ? new object() : null, what);

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddMinutes(15);
        while (true)
        {
            if (await probe() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out waiting for {what}");
            await Task.Delay(500);
        }
    }

    /// <summary>The gateway limits each user's requests per minute: wait and try again, as a
    /// patient user would.</summary>
    private sealed class RetryOnTooManyRequests(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request,
            CancellationToken cancellationToken
        )
        {
            // A streamed upload is sent once; small JSON bodies are kept to be sent again.
            if (request.Content is StreamContent)
                return await base.SendAsync(request, cancellationToken);
            var content = request.Content is null
                ? null
                : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var headers = request.Content?.Headers.ToList();
            for (var attempt = 0; ; attempt++)
            {
                var response = await base.SendAsync(request, cancellationToken);
                if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == 20)
                    return response;
                response.Dispose();
                await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
                if (content is not null)
                {
                    request.Content = new ByteArrayContent(content);
                    foreach (var header in headers!)
                        request.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }
        }
    }
}
