using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Subsidy.Demo;

namespace Subsidy.EndToEndTests;

/// <summary>
/// The production start (issue 18): an initial county administrator from the one-time command signs
/// in with a password of its own and an authenticator; no development tokens, no simulated business
/// dates; a service killed with -9 is answered for with 503 and a reason while the supervisor
/// brings it back, then works again without anyone acting.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed partial class ProductionStartTests(ProductionSystem production)
    : IClassFixture<ProductionSystem>
{
    private const string AdminPassword = "浮梁县管理员的密码-2026";

    private static Task<TokenSet>? _adminSignIn;
    private static (TokenSet Tokens, DateTimeOffset At)? _adminTokens;
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>
    /// The initial administrator, created once by the one-time command and signed in through the
    /// sign-in pages; its access token renewed with the refresh token as it ages (this system's
    /// portal client issues 40-second tokens).
    /// </summary>
    private async Task<string> AdminTokenAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (
                _adminTokens is { } held
                && DateTimeOffset.UtcNow - held.At < TimeSpan.FromSeconds(20)
            )
                return held.Tokens.AccessToken;
            var tokens = _adminTokens is { Tokens.RefreshToken: { } refresh }
                ? await new SignInFlow(production.Gateway.BaseAddress!).RefreshAsync(refresh)
                : await (_adminSignIn ??= CreateAndSignInAsync());
            _adminTokens = (tokens, DateTimeOffset.UtcNow);
            return tokens.AccessToken;
        }
        finally
        {
            Gate.Release();
        }
    }

    private async Task<TokenSet> CreateAndSignInAsync()
    {
        var (exit, output) = await production.IdentityCommandAsync(
            "create-admin",
            "--user",
            "fl-admin",
            "--name",
            "浮梁县人社局管理员",
            "--scope",
            "360222"
        );
        Assert.True(exit == 0, output);
        var oneTime = OneTimePassword().Match(output).Groups[1].Value;
        Assert.NotEmpty(oneTime);
        var flow = new SignInFlow(production.Gateway.BaseAddress!)
        {
            NewPassword = () => AdminPassword,
        };
        var tokens = await flow.SignInAsync("fl-admin", oneTime);
        Assert.Contains("/account/two-factor-setup", flow.Visited);
        return tokens;
    }

    [Fact]
    public async Task The_initial_administrator_comes_from_a_one_time_command_and_administers_its_county()
    {
        using var admin = AdminClient();
        var created = await admin.PostAsJsonAsync(
            "/api/accounts",
            new
            {
                userName = "fl-centre-1",
                displayName = "浮梁县社保中心 张三",
                role = "county-centre",
                scope = "360222",
            }
        );
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var (exit, output) = await production.IdentityCommandAsync(
            "create-admin",
            "--user",
            "fl-admin",
            "--name",
            "浮梁县人社局管理员",
            "--scope",
            "360222"
        );
        Assert.NotEqual(0, exit);
        Assert.Contains("已存在", output);
    }

    [Fact]
    public async Task The_production_start_serves_no_development_tokens_and_ignores_X_Business_Date()
    {
        var token = await production.Gateway.PostAsJsonAsync(
            "/dev/token",
            new { role = "city-bureau", scope = "36" }
        );
        Assert.Equal(HttpStatusCode.NotFound, token.StatusCode);
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await production.Gateway.GetAsync("/dev/users")).StatusCode
        );

        // Next year's carry-over is due from its 1 January: a request claiming to act on that day
        // is still refused.
        using var admin = AdminClient();
        var nextYear = DateTime.UtcNow.Year + 1;
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/registry/schemes/carry-over")
        {
            Content = JsonContent.Create(new { year = nextYear }),
        };
        request.Headers.Add("X-Business-Date", $"{nextYear}-01-02");
        var carryOver = await admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.Conflict, carryOver.StatusCode);
        Assert.Contains(
            $"要到 {nextYear} 年1月1日才沿用",
            await carryOver.Content.ReadAsStringAsync()
        );

        // No developer exception page: a malformed body is answered without a stack trace.
        var malformed = await admin.PostAsync(
            "/api/registry/divisions",
            new StringContent("{", System.Text.Encoding.UTF8, "application/json")
        );
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.DoesNotContain("   at ", await malformed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_killed_service_is_answered_for_with_503_and_a_reason_then_works_again_without_anyone_acting()
    {
        using var admin = AdminClient();
        const string path = "/api/calculation/divisions/360222000000";
        await Eventually.TrueAsync(
            async () => (await admin.GetAsync(path)).StatusCode == HttpStatusCode.OK,
            "calculation to answer"
        );
        using var restarts = new RestartCounter();

        Process.GetProcessById(ServiceProcessId("calculation")).Kill();

        var unavailable = await Eventually.GetAsync(
            async () =>
            {
                var response = await admin.GetAsync(path);
                return response.StatusCode == HttpStatusCode.ServiceUnavailable
                    ? await response.Content.ReadAsStringAsync()
                    : null;
            },
            "the gateway to answer 503",
            TimeSpan.FromSeconds(30)
        );
        Assert.Contains("补助测算服务暂时不可用", unavailable);
        await Eventually.GetAsync(
            async () =>
            {
                var text = await production.Gateway.GetStringAsync("/health");
                return text == "Degraded" ? text : null;
            },
            "the gateway to report itself degraded",
            TimeSpan.FromSeconds(30)
        );

        await Eventually.TrueAsync(
            async () => (await admin.GetAsync(path)).StatusCode == HttpStatusCode.OK,
            "calculation to be back",
            TimeSpan.FromMinutes(2)
        );
        Assert.Equal(
            "Healthy",
            await Eventually.GetAsync(
                async () =>
                {
                    var text = await production.Gateway.GetStringAsync("/health");
                    return text == "Healthy" ? text : null;
                },
                "the gateway to be healthy again"
            )
        );
        Assert.Equal(1, restarts.Of("calculation"));
        Assert.True(
            production.App.ResourceNotifications.TryGetCurrentState("calculation", out var state)
        );
        Assert.Contains(state.Snapshot.Properties, p =>
            p.Name == Subsidy.AppHost.Supervisor.RestartsProperty && Convert.ToInt64(p.Value) == 1
        );
    }

    [Fact]
    public async Task An_official_signs_in_to_the_portal_at_the_identity_services_pages_and_works_with_that_token()
    {
        using var admin = AdminClient();
        var created = await admin.PostAsJsonAsync(
            "/api/accounts",
            new
            {
                userName = "fl-portal-1",
                displayName = "湘湖镇社保所 李四",
                role = "township-officer",
                scope = "360222103",
            }
        );
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var oneTime = (
            await created.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>()
        )!["oneTimePassword"]!.GetValue<string>();

        await production
            .App.ResourceNotifications.WaitForResourceHealthyAsync("portal")
            .WaitAsync(TimeSpan.FromMinutes(2));
        await using var browser = await Subsidy.Portal.Testing.PortalBrowser.LaunchAsync(
            production.Gateway.BaseAddress!.ToString()
        );
        var context = await browser.Browser.NewContextAsync(
            new Microsoft.Playwright.BrowserNewContextOptions
            {
                BaseURL = browser.BaseUrl,
                Locale = "zh-CN",
            }
        );
        var page = await context.NewPageAsync();
        // A page asked for while signed out leads to the identity service's sign-in page (the
        // portal's code flow with PKCE).
        await page.GotoAsync("/village-years");
        await page.WaitForSelectorAsync("#userName");
        Assert.Contains("/account/login", page.Url);
        await page.FillAsync("#userName", "fl-portal-1");
        await page.FillAsync("#password", oneTime);
        await page.ClickAsync("button[type=submit]");
        // The administrator's password is replaced at the first sign-in, then the portal has the
        // user back where they were going.
        await page.WaitForSelectorAsync("#newPassword");
        await page.FillAsync("#newPassword", "湘湖镇李四的密码-2026");
        await page.FillAsync("#confirmPassword", "湘湖镇李四的密码-2026");
        await page.ClickAsync("button[type=submit]");
        Assert.Contains(
            "李四",
            await (
                await page.WaitForSelectorAsync(
                    "[data-test=user-name]",
                    new Microsoft.Playwright.PageWaitForSelectorOptions { Timeout = 60_000 }
                )
            )!.TextContentAsync()
        );
        await Portal.PageSteps.ReadyAsync(page);
        Assert.Equal("/village-years", new Uri(page.Url).AbsolutePath);
        Assert.Equal(0, await page.Locator(".api-error, .ant-result-error").CountAsync());

        // The portal's access tokens live 40 s here: past that, the portal renews the token with
        // its refresh token and the official goes on working without signing in again.
        await Task.Delay(TimeSpan.FromSeconds(45));
        await page.GotoAsync("/documents");
        await Portal.PageSteps.ReadyAsync(page);
        Assert.Equal("/documents", new Uri(page.Url).AbsolutePath);
        Assert.Equal(0, await page.Locator("#userName").CountAsync());
        Assert.Equal(0, await page.Locator(".api-error, .ant-result-error").CountAsync());
        Assert.Contains("李四", await page.Locator("[data-test=user-name]").TextContentAsync());
        await context.CloseAsync();
    }

    /// <summary>The service's own process: the orchestrator's process for a project is `dotnet
    /// run`, the service its child.</summary>
    private int ServiceProcessId(string resource)
    {
        Assert.True(
            production.App.ResourceNotifications.TryGetCurrentState(resource, out var state)
        );
        var launcher = Convert.ToInt32(
            state.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value
        );
        var children = File.ReadAllText($"/proc/{launcher}/task/{launcher}/children")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return children.Length > 0 ? int.Parse(children[0]) : launcher;
    }

    /// <summary>The gateway as the administrator, each request with the administrator's current
    /// access token.</summary>
    private HttpClient AdminClient() =>
        new(new AdminToken(AdminTokenAsync) { InnerHandler = new HttpClientHandler() })
        {
            BaseAddress = production.Gateway.BaseAddress,
        };

    private sealed class AdminToken(Func<Task<string>> token) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request,
            CancellationToken cancellationToken
        )
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await token());
            return await base.SendAsync(request, cancellationToken);
        }
    }

    [GeneratedRegex("one-time password: (\\S+)")]
    private static partial Regex OneTimePassword();

    /// <summary>Reads the supervisor's restart counter as a metrics exporter would (the AppHost
    /// runs in this process).</summary>
    private sealed class RestartCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _counts = [];

        public RestartCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == Subsidy.AppHost.Supervisor.MeterName)
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>(
                (_, value, tags, _) =>
                {
                    foreach (var tag in tags)
                    {
                        if (tag.Key == "service")
                            lock (_counts)
                                _counts[(string)tag.Value!] =
                                    _counts.GetValueOrDefault((string)tag.Value!) + value;
                    }
                }
            );
            _listener.Start();
        }

        public long Of(string service)
        {
            lock (_counts)
                return _counts.GetValueOrDefault(service);
        }

        public void Dispose() => _listener.Dispose();
    }
}
