using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Subsidy.Demo;

namespace Subsidy.EndToEndTests;

/// <summary>
/// Signing in at the identity service through the gateway, as the portal and a county's upload
/// script will (docs/design/08-access-and-roles.md): the real sign-in pages by form posts, real
/// tokens, checked by the gateway and by the services themselves.
/// </summary>
[Collection(SystemCollection.Name)]
public class SignInTests(SubsidySystem system)
{
    private const string NewPassword = "我的新密码-Fuliang2026";

    [Fact]
    public async Task Code_flow_with_PKCE_through_the_sign_in_page_gives_tokens_that_gateway_and_services_accept()
    {
        var (userName, oneTime) = await CreateAccountAsync(
            "360222",
            "village-clerk",
            "360222100201"
        );
        var flow = new SignInFlow(system.Gateway.BaseAddress!) { NewPassword = () => NewPassword };

        var tokens = await flow.SignInAsync(userName, oneTime);

        // A first sign-in with the administrator's password goes through choosing one's own.
        Assert.Equal(["/account/login", "/account/change-password"], flow.Visited);
        var token = new JsonWebToken(tokens.AccessToken);
        Assert.Equal(system.Gateway.BaseAddress!.ToString(), token.Issuer);
        Assert.Equal(["subsidy-api"], token.Audiences);
        Assert.Equal(userName, token.Subject);
        Assert.Equal("village-clerk", token.GetClaim("role").Value);
        Assert.Equal("360222100201", token.GetClaim("scope").Value);
        Assert.True(
            token.ValidTo - token.IssuedAt <= TimeSpan.FromMinutes(10),
            $"access token lives {token.ValidTo - token.IssuedAt}"
        );
        Assert.Equal("RS256", token.Alg);

        // The gateway and a service called directly both accept it, and apply its role and scope.
        using var gateway = Bearer(system.App.CreateHttpClient("gateway"), tokens.AccessToken);
        Assert.Equal(
            HttpStatusCode.OK,
            (await gateway.GetAsync("/api/registry/divisions/360222100000")).StatusCode
        );
        var outside = await gateway.PostAsJsonAsync(
            "/api/registry/pilots/360222101201/apply",
            new
            {
                lastYearIncome = 1,
                operatingIncome = 1,
                plannedSubsidy = 1,
            }
        );
        Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
        using var direct = Bearer(system.App.CreateHttpClient("calculation"), tokens.AccessToken);
        Assert.NotEqual(
            HttpStatusCode.Unauthorized,
            (await direct.GetAsync("/api/calculation/village-years/360222100201/2026")).StatusCode
        );

        // Refresh tokens rotate: the new one works, the used one is refused.
        var refreshed = await flow.RefreshAsync(tokens.RefreshToken!);
        Assert.NotEqual(tokens.RefreshToken, refreshed.RefreshToken);
        Assert.Equal(
            "360222100201",
            new JsonWebToken(refreshed.AccessToken).GetClaim("scope").Value
        );
        await Assert.ThrowsAsync<SignInRefusedException>(() =>
            flow.RefreshAsync(tokens.RefreshToken!)
        );

        // The person's own password now signs in straight away; the one-time password no longer
        // does.
        var again = new SignInFlow(system.Gateway.BaseAddress!);
        Assert.NotNull((await again.SignInAsync(userName, NewPassword)).AccessToken);
        var refused = await Assert.ThrowsAsync<SignInRefusedException>(() =>
            new SignInFlow(system.Gateway.BaseAddress!).SignInAsync(userName, oneTime)
        );
        Assert.Contains("用户名或密码错误", refused.Message);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_and_its_refresh_token()
    {
        var (userName, oneTime) = await CreateAccountAsync(
            "360222",
            "township-officer",
            "360222105"
        );
        var flow = new SignInFlow(system.Gateway.BaseAddress!) { NewPassword = () => NewPassword };
        var tokens = await flow.SignInAsync(userName, oneTime);

        var back = await flow.SignOutAsync(
            tokens.IdToken!,
            new Uri(system.Gateway.BaseAddress!, "signout-callback-oidc").ToString()
        );

        Assert.Equal("/signout-callback-oidc", back!.AbsolutePath);
        var refresh = await Assert.ThrowsAsync<SignInRefusedException>(() =>
            flow.RefreshAsync(tokens.RefreshToken!)
        );
        Assert.Contains("invalid_grant", refresh.Message);
        // The session is gone too: the next authorization request asks for the password again.
        var again = await Assert.ThrowsAsync<SignInRefusedException>(() =>
            flow.SignInAsync(userName, "不是密码-0000000000")
        );
        Assert.Contains("用户名或密码错误", again.Message);
    }

    [Fact]
    public async Task Only_the_S256_method_of_PKCE_is_offered_or_accepted()
    {
        var discovery = await system.Gateway.GetFromJsonAsync<JsonObject>(
            "/.well-known/openid-configuration"
        );
        Assert.Equal(
            ["S256"],
            discovery!["code_challenge_methods_supported"]!
                .AsArray()
                .Select(m => m!.GetValue<string>())
        );

        var flow = new SignInFlow(system.Gateway.BaseAddress!);
        using var browser = flow.Browser();
        var plain = await browser.GetAsync(
            "/connect/authorize?client_id=portal&response_type=code&scope=openid&state=s"
                + $"&redirect_uri={Uri.EscapeDataString(flow.RedirectUri)}&code_challenge=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
                + "&code_challenge_method=plain"
        );
        // Refused: either answered with an error or sent back to the client with one, never to the sign-in page.
        var location = plain.Headers.Location?.ToString() ?? "";
        Assert.DoesNotContain("/account/login", location);
        Assert.True(
            plain.StatusCode == HttpStatusCode.BadRequest
                || location.Contains("error=", StringComparison.Ordinal),
            $"{(int)plain.StatusCode} {location}"
        );
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_fifteen_minutes()
    {
        var (userName, oneTime) = await CreateAccountAsync(
            "360222",
            "township-officer",
            "360222101"
        );
        var flow = new SignInFlow(system.Gateway.BaseAddress!);
        using var browser = flow.Browser();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var wrong = await LoginAsync(browser, userName, "错误的密码-" + attempt);
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        var lockoutsBefore = (await ScrapedMetrics.ReadAsync(system, "identity")).Sum(
            "subsidy_identity_lockouts_total"
        );
        var right = await LoginAsync(browser, userName, oneTime);

        Assert.Equal(HttpStatusCode.BadRequest, right.StatusCode);
        Assert.Contains("账号已锁定", SignInFlow.ErrorOf(await right.Content.ReadAsStringAsync()));
        // Counted for the operators' lockout-burst alert.
        Assert.True(
            (await ScrapedMetrics.ReadAsync(system, "identity")).Sum(
                "subsidy_identity_lockouts_total"
            ) > lockoutsBefore
        );
        var account = await (await Admin("360222")).GetFromJsonAsync<JsonObject>(
            $"/api/accounts/{userName}"
        );
        var lockedUntil = account!["lockedUntil"]!.GetValue<DateTimeOffset>();
        Assert.InRange(
            lockedUntil - DateTimeOffset.UtcNow,
            TimeSpan.FromMinutes(14),
            TimeSpan.FromMinutes(15.5)
        );
    }

    [Fact]
    public async Task County_roles_must_enrol_and_then_enter_an_authenticator_code()
    {
        var (userName, oneTime) = await CreateAccountAsync("360222", "county-centre", "360222");
        var first = new SignInFlow(system.Gateway.BaseAddress!) { NewPassword = () => NewPassword };
        var tokens = await first.SignInAsync(userName, oneTime);
        Assert.Equal(
            ["/account/login", "/account/change-password", "/account/two-factor-setup"],
            first.Visited.Take(3)
        );
        Assert.NotNull(first.EnrolledKey);
        Assert.Equal(10, first.RecoveryCodes.Count);
        Assert.Equal("county-centre", new JsonWebToken(tokens.AccessToken).GetClaim("role").Value);

        // From now on the password alone is not enough: a wrong code is refused …
        using (var browser = first.Browser())
        {
            var password = await LoginAsync(browser, userName, NewPassword);
            Assert.Equal(
                "/account/two-factor",
                password.Headers.Location!.OriginalString.Split('?')[0]
            );
            var form = await browser.GetAsync(password.Headers.Location);
            var wrong = await SignInFlow.PostAsync(
                browser,
                "/account/two-factor",
                await form.Content.ReadAsStringAsync(),
                new() { ["code"] = "000000" }
            );
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Contains(
                "验证码不正确",
                SignInFlow.ErrorOf(await wrong.Content.ReadAsStringAsync())
            );
        }
        // … the authenticator's next code signs in (the code used at enrolment cannot be used
        // twice) …
        var second = new SignInFlow(system.Gateway.BaseAddress!)
        {
            Code = key => SignInFlow.CodeAt(key, DateTime.UtcNow.AddSeconds(30)),
        };
        await second.SignInAsync(userName, NewPassword, first.EnrolledKey);
        Assert.Contains("/account/two-factor", second.Visited);
        // … and so does a recovery code, once.
        var recovery = new SignInFlow(system.Gateway.BaseAddress!)
        {
            Code = _ => first.RecoveryCodes[0],
        };
        Assert.NotNull(
            (await recovery.SignInAsync(userName, NewPassword, first.EnrolledKey)).AccessToken
        );
        var reused = new SignInFlow(system.Gateway.BaseAddress!)
        {
            Code = _ => first.RecoveryCodes[0],
        };
        await Assert.ThrowsAsync<SignInRefusedException>(() =>
            reused.SignInAsync(userName, NewPassword, first.EnrolledKey)
        );
    }

    [Fact]
    public async Task A_disabled_account_is_refused_its_refresh_and_its_unexpired_access_token_at_once()
    {
        var (userName, oneTime) = await CreateAccountAsync(
            "360222",
            "village-clerk",
            "360222102201"
        );
        var flow = new SignInFlow(system.Gateway.BaseAddress!) { NewPassword = () => NewPassword };
        var tokens = await flow.SignInAsync(userName, oneTime);
        using var gateway = Bearer(system.App.CreateHttpClient("gateway"), tokens.AccessToken);
        using var direct = Bearer(
            system.App.CreateHttpClient("scheme-registry"),
            tokens.AccessToken
        );
        Assert.Equal(
            HttpStatusCode.OK,
            (await gateway.GetAsync("/api/registry/divisions/360222102000")).StatusCode
        );

        var disabled = await (await Admin("360222")).PostAsJsonAsync(
            $"/api/accounts/{userName}/disable",
            new { text = "调离岗位" }
        );
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);

        var refresh = await Assert.ThrowsAsync<SignInRefusedException>(() =>
            flow.RefreshAsync(tokens.RefreshToken!)
        );
        Assert.Contains("invalid_grant", refresh.Message);
        // The access token has minutes to live; the gateway and the service refuse it as soon as
        // they hear of the change.
        await Eventually.GetAsync(
            async () =>
                (await gateway.GetAsync("/api/registry/divisions/360222102000")).StatusCode
                == HttpStatusCode.Unauthorized
                    ? (object)true
                    : null,
            "the gateway to refuse the disabled account's token",
            TimeSpan.FromSeconds(10)
        );
        var answer = await Eventually.GetAsync(
            async () =>
            {
                var response = await direct.GetAsync("/api/registry/divisions/360222102000");
                return response.StatusCode == HttpStatusCode.Unauthorized
                    ? await response.Content.ReadAsStringAsync()
                    : null;
            },
            "the service called directly to refuse it",
            TimeSpan.FromSeconds(10)
        );
        Assert.Contains("账号已停用", answer);
        Assert.True(new JsonWebToken(tokens.AccessToken).ValidTo > DateTime.UtcNow.AddMinutes(5));
        var signIn = await Assert.ThrowsAsync<SignInRefusedException>(() =>
            new SignInFlow(system.Gateway.BaseAddress!).SignInAsync(userName, NewPassword)
        );
        Assert.Contains("账号已停用", signIn.Message);
    }

    [Fact]
    public async Task A_machine_client_uploads_a_contribution_file_with_client_credentials()
    {
        var admin = await Admin("360222");
        var clientId = "fl-upload-" + Guid.NewGuid().ToString("N")[..6];
        var created = await admin.PostAsJsonAsync(
            "/api/accounts/clients",
            new
            {
                clientId,
                displayName = "浮梁县社保中心上传脚本",
                role = "county-centre",
                scope = "360222",
            }
        );
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = (await created.Content.ReadFromJsonAsync<JsonObject>())![
            "clientSecret"
        ]!.GetValue<string>();

        var tokenResponse = await system.Gateway.PostAsync(
            "/connect/token",
            new FormUrlEncodedContent(
                new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials",
                    ["client_id"] = clientId,
                    ["client_secret"] = secret,
                }
            )
        );
        var tokens = await SignInFlow.TokensAsync(tokenResponse, CancellationToken.None);
        Assert.Null(tokens.RefreshToken);
        var token = new JsonWebToken(tokens.AccessToken);
        Assert.Equal(clientId, token.Subject);
        Assert.Equal("county-centre", token.GetClaim("role").Value);

        using var script = Bearer(system.App.CreateHttpClient("gateway"), tokens.AccessToken);
        var village = "360222108301";
        var county = await system.GatewayAsAsync("county-bureau", "360222");
        (
            await county.PostAsJsonAsync(
                "/api/registry/divisions",
                new { code = village, name = "上传脚本村" }
            )
        ).EnsureSuccessStatusCode();
        await Eventually.GetAsync(
            async () =>
                (await script.GetAsync($"/api/imports/divisions/{village}")).IsSuccessStatusCode
                    ? (object)true
                    : null,
            "the import to know the village"
        );
        var year = BusinessDay.Today.Year;
        await using (var imports = await system.OpenDatabaseAsync("contribution_import"))
        {
            await Eventually.TrueAsync(
                async () =>
                    await imports.ExecuteScalarAsync<int>(
                        "SELECT count(*) FROM known_policy_years WHERE year = @year",
                        new { year }
                    ) > 0,
                "the policy year"
            );
        }
        var upload = await script.PostAsync(
            $"/api/imports/contributions?scope=360222108&year={year}&fileName=upload.csv",
            new ByteArrayContent(
                ContributionFiles.Csv(
                    ContributionFiles.Rows(20, [village], year, firstPerson: 880_001),
                    Encoding.UTF8
                )
            )
        );
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var batch = (await upload.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.ToString();
        var state = await Eventually.GetAsync(
            async () =>
            {
                var current = (
                    await script.GetFromJsonAsync<JsonObject>($"/api/imports/batches/{batch}")
                )!["state"]!.GetValue<string>();
                return current is "accepted" or "rejected" ? current : null;
            },
            "the upload to be processed"
        );
        Assert.Equal("accepted", state);

        // Another county's client, and a wrong secret, get nothing.
        var wrong = await system.Gateway.PostAsync(
            "/connect/token",
            new FormUrlEncodedContent(
                new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials",
                    ["client_id"] = clientId,
                    ["client_secret"] = "not-the-secret",
                }
            )
        );
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task Tokens_of_another_issuer_expired_or_with_a_changed_signature_are_refused_by_gateway_and_service()
    {
        var (userName, oneTime) = await CreateAccountAsync("360222", "auditor", "360222");
        var real = (
            await new SignInFlow(system.Gateway.BaseAddress!)
            {
                NewPassword = () => NewPassword,
            }.SignInAsync(userName, oneTime)
        ).AccessToken;
        var issuer = system.Gateway.BaseAddress!.ToString();

        // The identity service's own key, read from its database: only the lifetime is wrong.
        await using var database = await system.OpenDatabaseAsync("identity");
        var (keyId, pem) = await database.QueryFirstAsync<(string, string)>(
            "SELECT id, material FROM signing_keys WHERE use = 'signing' AND retired_at IS NULL ORDER BY created_at DESC"
        );
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        var expired = Mint(
            new RsaSecurityKey(rsa) { KeyId = keyId },
            issuer,
            DateTime.UtcNow.AddMinutes(-30),
            DateTime.UtcNow.AddMinutes(-20)
        );
        using var otherRsa = RSA.Create(2048);
        var otherKey = new RsaSecurityKey(otherRsa) { KeyId = keyId };
        var forgedWithOurName = Mint(
            otherKey,
            issuer,
            DateTime.UtcNow,
            DateTime.UtcNow.AddMinutes(5)
        );
        var otherIssuer = Mint(
            otherKey,
            "https://idp.example.org/",
            DateTime.UtcNow,
            DateTime.UtcNow.AddMinutes(5)
        );
        var parts = real.Split('.');
        var changedSignature =
            $"{parts[0]}.{parts[1]}.{(parts[2][0] == 'A' ? 'B' : 'A')}{parts[2][1..]}";
        var changedClaims =
            $"{parts[0]}.{Base64UrlEncoder.Encode(Base64UrlEncoder.Decode(parts[1]).Replace("\"auditor\"", "\"city-bureau\""))}.{parts[2]}";

        foreach (var service in new[] { "gateway", "scheme-registry", "calculation" })
        {
            using var client = system.App.CreateHttpClient(service);
            var path =
                service == "calculation"
                    ? "/api/calculation/divisions/360222000000"
                    : "/api/registry/divisions/360222000000";
            Assert.NotEqual(
                HttpStatusCode.Unauthorized,
                (await Send(client, path, real)).StatusCode
            );
            foreach (
                var (what, token) in new[]
                {
                    ("expired", expired),
                    ("another key", forgedWithOurName),
                    ("another issuer", otherIssuer),
                    ("changed signature", changedSignature),
                    ("changed claims", changedClaims),
                }
            )
            {
                var response = await Send(client, path, token);
                Assert.True(
                    response.StatusCode == HttpStatusCode.Unauthorized,
                    $"{service} answered {(int)response.StatusCode} to a token with {what}"
                );
            }
            var answer = await (await Send(client, path, expired)).Content.ReadAsStringAsync();
            Assert.Contains("登录已过期", answer);
        }
    }

    [Fact]
    public async Task An_account_administrator_of_one_county_cannot_see_or_change_another_county_s_accounts()
    {
        var (fuliang, _) = await CreateAccountAsync("360222", "township-officer", "360222103");
        var leping = await Admin("360281");

        var list = await leping.GetFromJsonAsync<JsonArray>("/api/accounts");
        Assert.DoesNotContain(list!, a => a!["userName"]!.GetValue<string>() == fuliang);
        Assert.All(list!, a => Assert.StartsWith("360281", a!["scope"]!.GetValue<string>()));
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await leping.GetAsync("/api/accounts?scope=360222")).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await leping.GetAsync($"/api/accounts/{fuliang}")).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.NotFound,
            (
                await leping.PutAsJsonAsync(
                    $"/api/accounts/{fuliang}",
                    new { displayName = "改名" }
                )
            ).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.NotFound,
            (
                await leping.PostAsJsonAsync(
                    $"/api/accounts/{fuliang}/disable",
                    new { text = "越权" }
                )
            ).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await leping.PostAsync($"/api/accounts/{fuliang}/password-reset", null)).StatusCode
        );
        var intoFuliang = await leping.PostAsJsonAsync(
            "/api/accounts",
            new
            {
                userName = "lp-into-fl",
                displayName = "越权",
                role = "village-clerk",
                scope = "360222100201",
            }
        );
        Assert.Equal(HttpStatusCode.Forbidden, intoFuliang.StatusCode);
        Assert.Contains("管辖范围", await intoFuliang.Content.ReadAsStringAsync());
        var audit = await leping.GetFromJsonAsync<JsonArray>("/api/accounts/audit");
        Assert.DoesNotContain(audit!, e => e!["entityKey"]!.GetValue<string>() == fuliang);

        // Its own county's administrator sees the account and every change, with who made it.
        var fuliangAdmin = await Admin("360222");
        Assert.Equal(
            "360222103",
            (await fuliangAdmin.GetFromJsonAsync<JsonObject>($"/api/accounts/{fuliang}"))![
                "scope"
            ]!.GetValue<string>()
        );
        var renamed = await fuliangAdmin.PutAsJsonAsync(
            $"/api/accounts/{fuliang}",
            new { displayName = "湘湖镇社保所 李四", reason = "更正姓名" }
        );
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var entries = (
            await fuliangAdmin.GetFromJsonAsync<JsonArray>(
                $"/api/accounts/audit?entity=account&key={fuliang}"
            )
        )!;
        Assert.Equal(["create", "update"], entries.Select(e => e!["action"]!.GetValue<string>()));
        Assert.All(entries, e =>
            Assert.Equal("county-bureau-360222", e!["actor"]!.GetValue<string>())
        );
        Assert.Contains("湘湖镇社保所 李四", entries[1]!["toState"]!.GetValue<string>());
        // A village clerk administers nothing.
        var clerk = await system.GatewayAsAsync("village-clerk", "360222100201");
        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.GetAsync("/api/accounts")).StatusCode);
    }

    private async Task<HttpClient> Admin(string county) =>
        await system.GatewayAsAsync("county-bureau", county);

    private async Task<(string UserName, string OneTimePassword)> CreateAccountAsync(
        string county,
        string role,
        string scope
    )
    {
        var userName = $"{role}-{Guid.NewGuid().ToString("N")[..6]}";
        var response = await (await Admin(county)).PostAsJsonAsync(
            "/api/accounts",
            new
            {
                userName,
                displayName = "测试用户 " + role,
                role,
                scope,
            }
        );
        Assert.True(
            response.StatusCode == HttpStatusCode.Created,
            await response.Content.ReadAsStringAsync()
        );
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return (userName, body["oneTimePassword"]!.GetValue<string>());
    }

    private static async Task<HttpResponseMessage> LoginAsync(
        HttpClient browser,
        string userName,
        string password
    )
    {
        var page = await (await browser.GetAsync("/account/login")).Content.ReadAsStringAsync();
        return await SignInFlow.PostAsync(
            browser,
            "/account/login",
            page,
            new() { ["userName"] = userName, ["password"] = password }
        );
    }

    private static HttpClient Bearer(HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }

    private static string Mint(
        SecurityKey key,
        string issuer,
        DateTime notBefore,
        DateTime expires
    ) =>
        new JsonWebTokenHandler().CreateToken(
            new SecurityTokenDescriptor
            {
                Issuer = issuer,
                Audience = "subsidy-api",
                IssuedAt = notBefore,
                NotBefore = notBefore,
                Expires = expires,
                SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
                Subject = new ClaimsIdentity([
                    new Claim("sub", "intruder"),
                    new Claim("name", "冒名者"),
                    new Claim("role", "city-bureau"),
                    new Claim("scope", "36"),
                ]),
            }
        );
}
