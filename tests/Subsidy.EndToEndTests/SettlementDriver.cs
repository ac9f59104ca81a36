using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using static Subsidy.EndToEndTests.ContributionFiles;

namespace Subsidy.EndToEndTests;

/// <summary>Brings a village-year to "calculated" the way the users do, then takes its settlement
/// steps as the right roles.</summary>
public sealed class SettlementDriver(SubsidySystem system)
{
    public static readonly int Year = BusinessDay.Today.Year;
    public static readonly DateOnly Today = BusinessDay.Today;

    public RegistryDriver Registry { get; } = new(system);

    private Task<HttpClient>? _centre;
    private Task<HttpClient>? _observer;
    private Task<HttpClient>? _reader;

    public Task<HttpClient> Centre() =>
        _centre ??= system.GatewayAsAsync("county-centre", RegistryDriver.County);

    /// <summary>Polling reads as an auditor of its own (scope 36022), so waiting spends no other
    /// test user's per-user rate limit.</summary>
    public Task<HttpClient> Observer() => _observer ??= system.GatewayAsAsync("auditor", "36022");

    /// <summary>Reads whole ID numbers as a county centre of its own (an audited view, with its
    /// purpose), so that tests find members by number; lists answer them masked otherwise.</summary>
    public Task<HttpClient> Reader() => _reader ??= system.GatewayAsAsync("county-centre", "36022");

    public const string Purpose = "核对参保缴费记录";

    /// <summary>The village-year with its members' whole ID numbers.</summary>
    public async Task<JsonObject> WholeAsync(string village, int? year = null) =>
        (
            await (await Reader()).GetFromJsonAsync<JsonObject>(
                $"/api/calculation/village-years/{village}/{year ?? Year}?full=true&purpose={Uri.EscapeDataString(Purpose)}"
            )
        )!;

    /// <summary>An active pilot, an approved scheme, a roster of (person, special group) and the
    /// contribution rows; waits for the result.</summary>
    public async Task<JsonObject> CalculatedAsync(
        string village,
        string name,
        IEnumerable<(int Person, string Group)> roster,
        IEnumerable<string[]> rows,
        object? terms = null
    )
    {
        await Registry.ActiveVillageAsync(village, name);
        var id = await Registry.DraftAsync(village, Year, Today, terms);
        await Registry.ApproveAsync(village, id, Today);
        var county = await Registry.CountyBureau();
        await Eventually.TrueAsync(
            async () =>
                (await county.GetAsync($"/api/imports/divisions/{village}")).IsSuccessStatusCode,
            "the village to be known to the import"
        );

        await RosterAsync(village, roster);
        var upload = await RegistryDriver.ReadAsync(
            await (await Centre()).PostAsync(
                $"/api/imports/contributions?scope={village[..9]}&year={Year}",
                new ByteArrayContent(Csv(rows, new UTF8Encoding(false)))
            ),
            HttpStatusCode.Accepted
        );
        try
        {
            return await CalculatedFromAsync(village, upload["id"]!.GetValue<string>());
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"{village} not calculated; inputs: {await system.CalculationInputsAsync(village)}"
            );
        }
    }

    /// <summary>The village's clerk uploads its member roster of (person, special group).</summary>
    public async Task RosterAsync(string village, IEnumerable<(int Person, string Group)> roster)
    {
        var rosterCsv = new StringBuilder("姓名,公民身份号码,特殊群体\r\n");
        foreach (var (person, group) in roster)
            rosterCsv.Append($"测试{person},{Id(person)},{group}\r\n");
        var clerk = await Registry.Clerk(village);
        Assert.Equal(
            HttpStatusCode.Accepted,
            (
                await clerk.PostAsync(
                    $"/api/imports/rosters?village={village}&year={Year}",
                    new ByteArrayContent(Encoding.UTF8.GetBytes(rosterCsv.ToString()))
                )
            ).StatusCode
        );
    }

    /// <summary>One settlement step for many village-years of the year at once (the county
    /// centre's batch).</summary>
    public static Task<HttpResponseMessage> BatchAsync(
        HttpClient client,
        string step,
        params string[] villages
    ) =>
        client.SendAsync(
            RegistryDriver.Post(
                "/api/calculation/village-years/batch",
                new
                {
                    year = Year,
                    step,
                    villages,
                }
            )
        );

    /// <summary>
    /// The village-year calculated from a given export. Another test's export of the same township
    /// may have been the latest before this one; not listing the village, it gave the village no
    /// contributions — a result, but not this one.
    /// </summary>
    public async Task<JsonObject> CalculatedFromAsync(string village, string batchId) =>
        await Eventually.GetAsync(
            async () =>
            {
                var answer = await (await Observer()).GetAsync(
                    $"/api/calculation/village-years/{village}/{Year}"
                );
                if (!answer.IsSuccessStatusCode)
                    return null;
                var body = await answer.Content.ReadFromJsonAsync<JsonObject>();
                if (
                    body!["state"]!.GetValue<string>() != "calculated"
                    || body["run"]?["inputs"]?["batchId"]?.GetValue<string>() != batchId
                )
                    return null;
                var whole = await WholeAsync(village);
                return
                    whole["run"]?["id"]?.GetValue<string>()
                    == body["run"]!["id"]!.GetValue<string>()
                    ? whole
                    : null;
            },
            $"village-year {village} to be calculated from export {batchId}"
        );

    public async Task<JsonObject> StateAsync(string village, string state) =>
        await Eventually.GetAsync(
            async () =>
            {
                var answer = await (await Observer()).GetAsync(
                    $"/api/calculation/village-years/{village}/{Year}"
                );
                if (!answer.IsSuccessStatusCode)
                    return null;
                var body = await answer.Content.ReadFromJsonAsync<JsonObject>();
                if (body!["state"]!.GetValue<string>() != state)
                    return null;
                var whole = await WholeAsync(village);
                return whole["state"]!.GetValue<string>() == state ? whole : null;
            },
            $"village-year {village} to be {state}"
        );

    /// <summary>After the payment notice: waits for the tax bureau's payment, then the centre
    /// credits it (unless it already is).</summary>
    public async Task CreditedAsync(string village)
    {
        var paid = await Eventually.GetAsync(
            async () =>
            {
                var year = await (await Observer()).GetFromJsonAsync<JsonObject>(
                    $"/api/calculation/village-years/{village}/{Year}"
                );
                return year!["state"]!.GetValue<string>() is "paid" or "credited" ? year : null;
            },
            $"the tax bureau's payment of {village}"
        );
        if (paid["state"]!.GetValue<string>() == "paid")
            await StepAsync(await Centre(), village, "credit", HttpStatusCode.OK);
    }

    public static string Path(string village, string step) =>
        $"/api/calculation/village-years/{village}/{Year}/{step}";

    /// <summary>Takes a step as a client on a business date and expects the given status.</summary>
    public static async Task<JsonObject> StepAsync(
        HttpClient client,
        string village,
        string step,
        HttpStatusCode expected,
        object? body = null,
        DateOnly? on = null
    ) =>
        await RegistryDriver.ReadAsync(
            await client.SendAsync(RegistryDriver.Post(Path(village, step), body, on ?? Today)),
            expected
        );

    public static Dictionary<string, JsonObject> Members(JsonObject villageYear) =>
        villageYear["results"]!
            .AsArray()
            .ToDictionary(r => r!["idNumber"]!.GetValue<string>(), r => r!.AsObject());

    /// <summary>A village-year of one member (300 元) taken from calculation to its application,
    /// which the county centre is to approve. The export is the township's: a later one of the same
    /// township would make this result stale.</summary>
    public async Task ApplicationSubmittedAsync(string village, string name, int person)
    {
        await CalculatedAsync(
            village,
            name,
            [(person, "")],
            [ContributionFiles.Row(person, village, Year, 1000)]
        );
        var clerk = await Registry.Clerk(village);
        await StepAsync(clerk, village, "confirm", HttpStatusCode.OK);
        await StepAsync(clerk, village, "notice", HttpStatusCode.OK);
        await StepAsync(clerk, village, "notice/close", HttpStatusCode.OK, on: Today.AddDays(7));
        await StepAsync(clerk, village, "application", HttpStatusCode.OK);
    }

    /// <summary>A village-year of one member (300 元) taken from calculation to an issued payment
    /// notice; returns the notice number.</summary>
    public async Task<string> PaymentNoticeIssuedAsync(string village, string name, int person)
    {
        await ApplicationSubmittedAsync(village, name, person);
        var centre = await Centre();
        await StepAsync(centre, village, "approval", HttpStatusCode.OK);
        var issued = await StepAsync(centre, village, "payment-notice", HttpStatusCode.OK);
        return issued["paymentNotice"]!["number"]!.GetValue<string>();
    }
}
