using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Subsidy.Contracts;
using static Subsidy.EndToEndTests.RegistryDriver;

namespace Subsidy.EndToEndTests;

[Collection(SystemCollection.Name)]
public class SchemeRegistryTests(SubsidySystem system) : IAsyncLifetime
{
    private static readonly int NextYear = BusinessDay.Today.Year + 1;
    private static readonly DateOnly Today = BusinessDay.Today;
    private readonly RegistryDriver _registry = new(system);
    private EventProbe _events = null!;

    public async Task InitializeAsync() =>
        _events = await EventProbe.StartAsync(
            system,
            typeof(SchemeTermsPublished),
            typeof(PilotStatusChanged),
            typeof(PolicyYearChanged)
        );

    public async Task DisposeAsync() => await _events.DisposeAsync();

    [Fact]
    public async Task Scheme_goes_from_draft_to_filed_and_its_terms_are_published_and_audited()
    {
        var village = await _registry.ActiveVillageAsync("360222103201", "审批村");
        var id = await _registry.DraftAsync(village, NextYear, Today);
        var approved = await _registry.ApproveAsync(village, id, Today);
        Assert.Equal("county-approved", State(approved));

        var filed = await ReadAsync(
            await (await _registry.City()).PostAsync($"/api/registry/schemes/{id}/file", null),
            HttpStatusCode.OK
        );
        Assert.Equal("filed", State(filed));

        var terms = await _events.WaitForAsync<SchemeTermsPublished>(
            e => e.SchemeId == Guid.Parse(id),
            "the approved terms"
        );
        Assert.Equal(SchemeTermsSource.Approved, terms.Source);
        Assert.Equal(60000m, terms.Budget);
        Assert.Equal(StackingRule.Sum, terms.Stacking);
        Assert.Equal(
            [new FloorAmount(SpecialGroup.Dibao, 200), new FloorAmount(SpecialGroup.Tekun, 300)],
            terms.Floors
        );
        Assert.Equal([new IncentiveRow(500, 100), new IncentiveRow(1000, 300)], terms.Incentives);

        var auditor = await system.GatewayAsAsync("auditor", "3602");
        var audit = await auditor.GetFromJsonAsync<JsonArray>(
            $"/api/registry/audit?entity=scheme&key={id}"
        );
        var steps = audit!
            .Select(e =>
                (
                    e!["action"]!.GetValue<string>(),
                    e["fromState"]?.GetValue<string>(),
                    e["toState"]!.GetValue<string>(),
                    e["actorRole"]!.GetValue<string>()
                )
            )
            .ToList();
        Assert.Equal(
            [
                ("create", null, "草稿", "village-clerk"),
                ("submit", "草稿", "已提交待乡镇审核", "village-clerk"),
                (
                    "approve-township",
                    "已提交待乡镇审核",
                    "乡镇已审核待县人社局批准",
                    "township-officer"
                ),
                ("approve-county", "乡镇已审核待县人社局批准", "县人社局已批准", "county-bureau"),
                ("file", "县人社局已批准", "已报市人社局备案", "city-bureau"),
            ],
            steps
        );
    }

    [Fact]
    public async Task Rejection_returns_the_scheme_to_draft_with_its_reason_and_it_can_be_mended()
    {
        var village = await _registry.ActiveVillageAsync("360222103202", "退回村");
        var id = await _registry.DraftAsync(village, NextYear, Today);
        var clerk = await _registry.Clerk(village);
        await ReadAsync(
            await clerk.PostAsync($"/api/registry/schemes/{id}/submit", null),
            HttpStatusCode.OK
        );

        var township = await _registry.Township(village);
        // The scheme answers each user the steps open to them now: the portal draws only these.
        string Offered(JsonObject scheme) =>
            string.Join(
                ",",
                scheme["allowedSteps"]!.AsArray().Select(a => a!["step"]!.GetValue<string>())
            );
        Assert.Equal(
            "township-approve,reject",
            Offered((await township.GetFromJsonAsync<JsonObject>($"/api/registry/schemes/{id}"))!)
        );
        Assert.Equal(
            "",
            Offered((await clerk.GetFromJsonAsync<JsonObject>($"/api/registry/schemes/{id}"))!)
        );
        var noReason = await township.PostAsJsonAsync(
            $"/api/registry/schemes/{id}/reject",
            new { reason = "" }
        );
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        var rejected = await ReadAsync(
            await township.PostAsJsonAsync(
                $"/api/registry/schemes/{id}/reject",
                new { reason = "激励标准过高，请重新测算" }
            ),
            HttpStatusCode.OK
        );
        Assert.Equal("draft", State(rejected));
        Assert.Equal("激励标准过高，请重新测算", rejected["rejectionReason"]!.GetValue<string>());
        Assert.Equal("", Offered(rejected));
        Assert.Equal(
            "edit,submit",
            Offered((await clerk.GetFromJsonAsync<JsonObject>($"/api/registry/schemes/{id}"))!)
        );

        var mended = await ReadAsync(
            await clerk.PutAsJsonAsync(
                $"/api/registry/schemes/{id}",
                Terms(
                    Today.AddDays(-1),
                    incentives: new object[] { new { minTier = 500, amount = 50 } }
                )
            ),
            HttpStatusCode.OK
        );
        Assert.Equal(50m, mended["terms"]!["incentives"]![0]!["amount"]!.GetValue<decimal>());

        // The county bureau may send it back too, from the step it approves.
        await ReadAsync(
            await clerk.PostAsync($"/api/registry/schemes/{id}/submit", null),
            HttpStatusCode.OK
        );
        await ReadAsync(
            await township.PostAsync($"/api/registry/schemes/{id}/township-approve", null),
            HttpStatusCode.OK
        );
        var county = await _registry.CountyBureau();
        var back = await ReadAsync(
            await county.PostAsJsonAsync(
                $"/api/registry/schemes/{id}/reject",
                new { reason = "资金来源说明不足" }
            ),
            HttpStatusCode.OK
        );
        Assert.Equal("draft", State(back));
    }

    [Fact]
    public async Task Forbidden_transitions_are_refused_with_the_reason()
    {
        var village = await _registry.ActiveVillageAsync("360222103203", "越权村");
        var id = await _registry.DraftAsync(village, NextYear, Today);
        var clerk = await _registry.Clerk(village);

        // Wrong state: the county cannot approve a draft.
        var county = await _registry.CountyBureau();
        var early = await county.PostAsync($"/api/registry/schemes/{id}/county-approve", null);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("草稿", await early.Content.ReadAsStringAsync());

        await ReadAsync(
            await clerk.PostAsync($"/api/registry/schemes/{id}/submit", null),
            HttpStatusCode.OK
        );

        // Wrong role: a village clerk cannot approve; wrong scope: another township's officer
        // cannot either.
        var selfApproval = await clerk.PostAsync(
            $"/api/registry/schemes/{id}/township-approve",
            null
        );
        Assert.Equal(HttpStatusCode.Forbidden, selfApproval.StatusCode);
        Assert.Contains("乡镇社保所", await selfApproval.Content.ReadAsStringAsync());
        var otherTownship = await system.GatewayAsAsync("township-officer", "360222104");
        var outOfScope = await otherTownship.PostAsync(
            $"/api/registry/schemes/{id}/township-approve",
            null
        );
        Assert.Equal(HttpStatusCode.Forbidden, outOfScope.StatusCode);
        Assert.Contains("管辖范围", await outOfScope.Content.ReadAsStringAsync());

        // Another village's clerk can neither read nor write this village's schemes.
        var otherClerk = await _registry.Clerk("360222103299");
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await otherClerk.GetAsync($"/api/registry/schemes/{id}")).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (
                await otherClerk.PostAsJsonAsync(
                    "/api/registry/schemes",
                    new
                    {
                        villageCode = village,
                        year = NextYear,
                        terms = Terms(Today),
                    }
                )
            ).StatusCode
        );

        // Locked once approved.
        await ReadAsync(
            await (await _registry.Township(village)).PostAsync(
                $"/api/registry/schemes/{id}/township-approve",
                null
            ),
            HttpStatusCode.OK
        );
        await ReadAsync(
            await county.PostAsync($"/api/registry/schemes/{id}/county-approve", null),
            HttpStatusCode.OK
        );
        var edit = await clerk.PutAsJsonAsync($"/api/registry/schemes/{id}", Terms(Today));
        Assert.Equal(HttpStatusCode.Conflict, edit.StatusCode);
        Assert.Contains("已锁定", await edit.Content.ReadAsStringAsync());
        var secondScheme = await clerk.PostAsJsonAsync(
            "/api/registry/schemes",
            new
            {
                villageCode = village,
                year = NextYear,
                terms = Terms(Today),
            }
        );
        Assert.Equal(HttpStatusCode.Conflict, secondScheme.StatusCode);

        // The audit log is for auditors and bureaus, not for village clerks.
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await clerk.GetAsync("/api/registry/audit")).StatusCode
        );
    }

    public static TheoryData<string, string, string> BrokenTerms() =>
        new()
        {
            {
                """{"floors":[{"group":"dibao","amount":6000.5}]}""",
                "floors[0].amount",
                "最高档次"
            },
            { """{"floors":[{"group":"dibao","amount":-1}]}""", "floors[0].amount", "负数" },
            { """{"floors":[{"group":"军烈属","amount":100}]}""", "floors[0].group", "无效" },
            {
                """{"incentives":[{"minTier":550,"amount":100}]}""",
                "incentives[0].minTier",
                "缴费档次"
            },
            {
                """{"incentives":[{"minTier":500,"amount":500}]}""",
                "incentives[0].amount",
                "不能全额代缴"
            },
            {
                """{"incentives":[{"minTier":1000,"amount":300},{"minTier":2000,"amount":200}]}""",
                "incentives[1].amount",
                "不减少"
            },
            { """{"stacking":"avg"}""", "stacking", "无效" },
            { """{"membershipBasis":"everyone"}""", "membershipBasis", "无效" },
            { """{"collectiveIncome":0,"donations":[]}""", "collectiveIncome", "须大于0" },
            {
                """{"donations":[{"donor":"某公司","kind":"government","amount":100,"managedBy":"collective"}]}""",
                "donations[0].kind",
                "无效"
            },
            { """{"creditCode":"N2360222MF0000000X"}""", "creditCode", "校验码" },
        };

    [Theory]
    [MemberData(nameof(BrokenTerms))]
    public async Task Each_broken_rule_is_reported_on_its_field_and_nothing_is_saved(
        string patch,
        string field,
        string fragment
    )
    {
        var village = "360222103204";
        await EnsureVillageAsync(village);
        var terms = JsonNode
            .Parse(System.Text.Json.JsonSerializer.Serialize(Terms(Today)))!
            .AsObject();
        foreach (var (key, value) in JsonNode.Parse(patch)!.AsObject())
            terms[key] = value?.DeepClone();

        var clerk = await _registry.Clerk(village);
        var response = await clerk.PostAsJsonAsync(
            "/api/registry/schemes",
            new
            {
                villageCode = village,
                year = NextYear,
                terms,
            }
        );
        var problem = await ReadAsync(response, HttpStatusCode.BadRequest);
        var messages = problem["errors"]![field]!.AsArray().Select(m => m!.GetValue<string>());
        Assert.Contains(messages, m => m.Contains(fragment));
        Assert.Empty(
            (await clerk.GetFromJsonAsync<JsonArray>($"/api/registry/schemes?division={village}"))!
        );
    }

    [Fact]
    public async Task A_scheme_breaking_several_rules_gets_all_of_them_reported()
    {
        var village = "360222103204";
        await EnsureVillageAsync(village);
        var clerk = await _registry.Clerk(village);
        var response = await clerk.PostAsJsonAsync(
            "/api/registry/schemes",
            new
            {
                villageCode = village,
                year = NextYear,
                terms = new
                {
                    stacking = "avg",
                    floors = new object[] { new { group = "dibao", amount = 7000 } },
                    incentives = new object[]
                    {
                        new { minTier = 550, amount = 100 },
                        new { minTier = 300, amount = 300 },
                    },
                    collectiveIncome = -5,
                },
            }
        );
        var problem = await ReadAsync(response, HttpStatusCode.BadRequest);
        var fields = problem["errors"]!.AsObject().Select(p => p.Key).ToHashSet();
        Assert.Superset(
            new HashSet<string>
            {
                "stacking",
                "floors[0].amount",
                "incentives[0].minTier",
                "incentives[1].amount",
                "collectiveIncome",
            },
            fields
        );
    }

    [Fact]
    public async Task Submission_needs_the_complete_democratic_procedure_record_and_an_active_pilot()
    {
        var village = await _registry.ActiveVillageAsync("360222103205", "程序村");
        var terms = JsonNode
            .Parse(System.Text.Json.JsonSerializer.Serialize(Terms(Today)))!
            .AsObject();
        terms["procedure"]!["resolvedOn"] = null;
        var id = await _registry.DraftAsync(village, NextYear, Today, terms);
        var clerk = await _registry.Clerk(village);
        var refused = await ReadAsync(
            await clerk.PostAsync($"/api/registry/schemes/{id}/submit", null),
            HttpStatusCode.BadRequest
        );
        Assert.Contains(
            "缺少村民会议或村民代表会议决议日期",
            refused["errors"]!["procedure.resolvedOn"]![0]!.GetValue<string>()
        );

        await ReadAsync(
            await clerk.PutAsJsonAsync($"/api/registry/schemes/{id}", Terms(Today)),
            HttpStatusCode.OK
        );
        var county = await _registry.CountyBureau();
        await ReadAsync(
            await county.PostAsJsonAsync(
                $"/api/registry/pilots/{village}/suspend",
                new { reason = "集体收益下降", effectiveDate = Today }
            ),
            HttpStatusCode.OK
        );
        var suspended = await clerk.PostAsync($"/api/registry/schemes/{id}/submit", null);
        Assert.Equal(HttpStatusCode.Conflict, suspended.StatusCode);
        Assert.Contains("已暂停", await suspended.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Pilot_is_applied_for_approved_suspended_and_resumed_with_every_change_published()
    {
        var village = "360222103206";
        var county = await _registry.CountyBureau();
        await ReadAsync(
            await county.PostAsJsonAsync(
                "/api/registry/divisions",
                new { code = village, name = "试点村" }
            ),
            HttpStatusCode.Created
        );
        var clerk = await _registry.Clerk(village);

        var missingIncome = await ReadAsync(
            await clerk.PostAsJsonAsync(
                $"/api/registry/pilots/{village}/apply",
                new { plannedSubsidy = 1000 }
            ),
            HttpStatusCode.BadRequest
        );
        Assert.True(missingIncome["errors"]!.AsObject().ContainsKey("lastYearIncome"));
        await ReadAsync(
            await clerk.PostAsJsonAsync(
                $"/api/registry/pilots/{village}/apply",
                new
                {
                    lastYearIncome = 300000,
                    operatingIncome = 100000,
                    plannedSubsidy = 50000,
                }
            ),
            HttpStatusCode.OK
        );
        // The pilot answers each user the decisions open to them now.
        string Offered(JsonObject pilot) =>
            string.Join(
                ",",
                pilot["allowedSteps"]!.AsArray().Select(a => a!["step"]!.GetValue<string>())
            );
        Assert.Equal(
            "approve,reject",
            Offered((await county.GetFromJsonAsync<JsonObject>($"/api/registry/pilots/{village}"))!)
        );
        Assert.Equal(
            "",
            Offered((await clerk.GetFromJsonAsync<JsonObject>($"/api/registry/pilots/{village}"))!)
        );

        Assert.Equal(
            HttpStatusCode.Forbidden,
            (
                await clerk.PostAsJsonAsync($"/api/registry/pilots/{village}/approve", new { })
            ).StatusCode
        );
        Assert.Equal(
            "active",
            (
                await ReadAsync(
                    await county.PostAsJsonAsync(
                        $"/api/registry/pilots/{village}/approve",
                        new { }
                    ),
                    HttpStatusCode.OK
                )
            )["status"]!.GetValue<string>()
        );
        Assert.Equal(
            HttpStatusCode.Conflict,
            (
                await county.PostAsJsonAsync($"/api/registry/pilots/{village}/approve", new { })
            ).StatusCode
        );

        var noReason = await ReadAsync(
            await county.PostAsJsonAsync(
                $"/api/registry/pilots/{village}/suspend",
                new { effectiveDate = Today }
            ),
            HttpStatusCode.BadRequest
        );
        Assert.True(noReason["errors"]!.AsObject().ContainsKey("reason"));
        var suspended = await ReadAsync(
            await county.PostAsJsonAsync(
                $"/api/registry/pilots/{village}/suspend",
                new
                {
                    reason = "集体经济困难，暂停补助",
                    effectiveDate = new DateOnly(Today.Year, 12, 1),
                }
            ),
            HttpStatusCode.OK
        );
        Assert.Equal("suspended", suspended["status"]!.GetValue<string>());

        await ReadAsync(
            await clerk.PostAsJsonAsync(
                $"/api/registry/pilots/{village}/apply",
                new
                {
                    lastYearIncome = 400000,
                    operatingIncome = 200000,
                    plannedSubsidy = 60000,
                }
            ),
            HttpStatusCode.OK
        );
        await ReadAsync(
            await county.PostAsJsonAsync($"/api/registry/pilots/{village}/approve", new { }),
            HttpStatusCode.OK
        );

        var suspension = await _events.WaitForAsync<PilotStatusChanged>(
            e => e.VillageCode == village && e.Status == PilotStatus.Suspended,
            "the suspension"
        );
        Assert.Equal(new DateOnly(Today.Year, 12, 1), suspension.EffectiveDate);
        Assert.Equal("集体经济困难，暂停补助", suspension.Reason);
        await _events.WaitForAsync<PilotStatusChanged>(
            e => e.VillageCode == village && e.Status == PilotStatus.Active && e.Version == 5,
            "the resumption"
        );
    }

    [Fact]
    public async Task County_sets_its_own_policy_year_which_then_applies_to_its_villages()
    {
        var county = await _registry.CountyBureau();
        var year = NextYear + 3;
        var invalid = await ReadAsync(
            await county.PutAsJsonAsync(
                $"/api/registry/policy-years/360222000000/{year}",
                new
                {
                    tiers = new[] { 300, 200 },
                    specialTier = 100,
                    contributionDeadline = new DateOnly(year + 1, 1, 1),
                }
            ),
            HttpStatusCode.BadRequest
        );
        Assert.True(invalid["errors"]!.AsObject().ContainsKey("tiers"));
        Assert.True(invalid["errors"]!.AsObject().ContainsKey("contributionDeadline"));

        var saved = await ReadAsync(
            await county.PutAsJsonAsync(
                $"/api/registry/policy-years/360222000000/{year}",
                new
                {
                    tiers = new[] { 300, 500, 1000, 8000 },
                    specialTier = 100,
                    noticeDays = 10,
                }
            ),
            HttpStatusCode.OK
        );
        Assert.Equal(8000m, saved["cap"]!.GetValue<decimal>());

        var effective = await county.GetFromJsonAsync<JsonObject>(
            $"/api/registry/policy-years/{year}/effective/360222103201"
        );
        Assert.Equal("360222000000", effective!["regionCode"]!.GetValue<string>());
        Assert.Equal(10, effective["noticeDays"]!.GetValue<int>());
        var neighbour = await county.GetFromJsonAsync<JsonObject>(
            $"/api/registry/policy-years/{NextYear}/effective/360281100201"
        );
        Assert.Equal("360000000000", neighbour!["regionCode"]!.GetValue<string>());

        var published = await _events.WaitForAsync<PolicyYearChanged>(
            e => e.RegionCode == "360222000000" && e.Year == year,
            "the county's parameters"
        );
        Assert.Equal(8000m, published.Cap);

        var clerk = await _registry.Clerk("360222103201");
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (
                await clerk.PutAsJsonAsync(
                    $"/api/registry/policy-years/360222000000/{year}",
                    new { tiers = new[] { 300 }, specialTier = 100 }
                )
            ).StatusCode
        );
        var otherCounty = await system.GatewayAsAsync("county-bureau", "360281");
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (
                await otherCounty.PutAsJsonAsync(
                    $"/api/registry/policy-years/360222000000/{year}",
                    new { tiers = new[] { 300 }, specialTier = 100 }
                )
            ).StatusCode
        );
    }

    [Fact]
    public async Task New_terms_approved_on_31_December_apply_and_from_1_January_last_years_terms_carry_over()
    {
        var year = NextYear + 1; // the year whose terms are decided on the boundary
        var lastDay = new DateOnly(year - 1, 12, 31);
        var firstDay = new DateOnly(year, 1, 1);
        var county = await _registry.CountyBureau();
        await ReadAsync(
            await county.PutAsJsonAsync(
                $"/api/registry/policy-years/360222000000/{year}",
                new { tiers = new[] { 300, 500, 1000, 2000 }, specialTier = 100 }
            ),
            HttpStatusCode.OK
        );

        var onTime = await _registry.ActiveVillageAsync("360222104201", "按时村");
        var late = await _registry.ActiveVillageAsync("360222104202", "逾期村");
        foreach (var village in new[] { onTime, late })
        {
            await _registry.ApproveAsync(
                village,
                await _registry.DraftAsync(village, year - 1, Today),
                Today
            );
        }

        var december = lastDay.AddDays(-11);
        var onTimeDraft = await _registry.DraftAsync(
            onTime,
            year,
            december,
            Terms(december, incentives: new object[] { new { minTier = 500, amount = 200 } })
        );
        var approvedOnTime = await _registry.ApproveAsync(onTime, onTimeDraft, lastDay);
        Assert.Equal("county-approved", State(approvedOnTime));

        var lateDraft = await _registry.DraftAsync(late, year, december);
        await ReadAsync(
            await (await _registry.Clerk(late)).SendAsync(
                Post($"/api/registry/schemes/{lateDraft}/submit", null, lastDay)
            ),
            HttpStatusCode.OK
        );
        await ReadAsync(
            await (await _registry.Township(late)).SendAsync(
                Post($"/api/registry/schemes/{lateDraft}/township-approve", null, lastDay)
            ),
            HttpStatusCode.OK
        );
        var tooLate = await county.SendAsync(
            Post($"/api/registry/schemes/{lateDraft}/county-approve", null, firstDay)
        );
        Assert.Equal(HttpStatusCode.Conflict, tooLate.StatusCode);
        Assert.Contains($"{year - 1}年12月31日", await tooLate.Content.ReadAsStringAsync());

        var notYet = await county.SendAsync(
            Post("/api/registry/schemes/carry-over", new { year }, lastDay)
        );
        Assert.Equal(HttpStatusCode.Conflict, notYet.StatusCode);
        var carried = await ReadAsync(
            await county.SendAsync(
                Post("/api/registry/schemes/carry-over", new { year }, firstDay)
            ),
            HttpStatusCode.OK
        );
        var carriedVillages = carried["schemes"]!
            .AsArray()
            .Select(s => s!["villageCode"]!.GetValue<string>())
            .ToList();
        Assert.Contains(late, carriedVillages);
        Assert.DoesNotContain(onTime, carriedVillages);

        var inForce = await county.GetFromJsonAsync<JsonObject>(
            $"/api/registry/schemes/in-force/{late}/{year}"
        );
        Assert.Equal("carried-over", State(inForce!));
        var lapsed = await county.GetFromJsonAsync<JsonObject>(
            $"/api/registry/schemes/{lateDraft}"
        );
        Assert.Equal("lapsed", State(lapsed!));
        var onTimeInForce = await county.GetFromJsonAsync<JsonObject>(
            $"/api/registry/schemes/in-force/{onTime}/{year}"
        );
        Assert.Equal(onTimeDraft, onTimeInForce!["id"]!.GetValue<string>());

        var carriedTerms = await _events.WaitForAsync<SchemeTermsPublished>(
            e => e.VillageCode == late && e.Year == year,
            "the carried-over terms"
        );
        Assert.Equal(SchemeTermsSource.CarriedOver, carriedTerms.Source);
        Assert.Equal(
            [new IncentiveRow(500, 100), new IncentiveRow(1000, 300)],
            carriedTerms.Incentives
        );

        var again = await county.SendAsync(
            Post("/api/registry/schemes/carry-over", new { year }, firstDay)
        );
        Assert.Equal(
            0,
            (await ReadAsync(again, HttpStatusCode.OK))["carriedOver"]!.GetValue<int>()
        );
        var newDraft = await (await _registry.Clerk(late)).SendAsync(
            Post(
                "/api/registry/schemes",
                new
                {
                    villageCode = late,
                    year,
                    terms = Terms(firstDay),
                },
                firstDay.AddDays(1)
            )
        );
        Assert.Equal(HttpStatusCode.Conflict, newDraft.StatusCode);
    }

    [Fact]
    public async Task Last_years_scheme_can_be_copied_into_a_new_draft_without_its_procedure_record()
    {
        var year = NextYear + 2;
        var county = await _registry.CountyBureau();
        await ReadAsync(
            await county.PutAsJsonAsync(
                $"/api/registry/policy-years/360222000000/{year}",
                new { tiers = new[] { 300, 500, 1000, 2000 }, specialTier = 100 }
            ),
            HttpStatusCode.OK
        );
        await ReadAsync(
            await county.PutAsJsonAsync(
                $"/api/registry/policy-years/360222000000/{year - 1}",
                new { tiers = new[] { 300, 500, 1000, 2000 }, specialTier = 100 }
            ),
            HttpStatusCode.OK
        );
        var village = await _registry.ActiveVillageAsync("360222104203", "复制村");
        var date = new DateOnly(year - 1, 3, 1);
        await _registry.ApproveAsync(
            village,
            await _registry.DraftAsync(village, year - 1, date),
            date
        );

        var copy = await ReadAsync(
            await (await _registry.Clerk(village)).SendAsync(
                Post("/api/registry/schemes/copy", new { villageCode = village, year }, date)
            ),
            HttpStatusCode.Created
        );
        Assert.Equal("draft", State(copy));
        Assert.Equal(year, copy["year"]!.GetValue<int>());
        Assert.Equal(300m, copy["terms"]!["incentives"]![1]!["amount"]!.GetValue<decimal>());
        Assert.Null(copy["terms"]!["procedure"]!["resolvedOn"]);
    }

    private async Task EnsureVillageAsync(string code)
    {
        var county = await _registry.CountyBureau();
        var response = await county.PostAsJsonAsync(
            "/api/registry/divisions",
            new { code, name = "校验村" }
        );
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict);
    }
}
