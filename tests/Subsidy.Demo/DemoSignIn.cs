using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OtpNet;
using Subsidy.Contracts;

namespace Subsidy.Demo;

/// <summary>How the demo's users get their access tokens.</summary>
public interface IDemoSignIn
{
    Task<string> TokenAsync(string role, string scope);
}

/// <summary>
/// The demo's people sign in at the identity service through the sign-in pages, each with the
/// account the identity service created for the demo (Identity:DemoAccountsFile): a clerk per
/// village, an officer per township, the county's bureau and centre (with an authenticator), an
/// auditor of the city.
/// </summary>
public sealed class DemoAccounts(Uri gateway, IReadOnlyList<DemoAccount> accounts) : IDemoSignIn
{
    public IReadOnlyList<DemoAccount> Accounts => accounts;

    public async Task<string> TokenAsync(string role, string scope)
    {
        var account = accounts.FirstOrDefault(a => a.Role == role && a.Scope == scope)
            ?? throw new InvalidOperationException($"演示账号中没有 {role} {scope}");
        var tokens = await new SignInFlow(gateway).SignInAsync(
            account.UserName,
            account.Password,
            account.TotpKey
        );
        return tokens.AccessToken;
    }

    /// <summary>The accounts a county-year of <paramref name="options"/> needs, each with a
    /// password (and key) of its own.</summary>
    public static IReadOnlyList<DemoAccount> For(DemoOptions options)
    {
        var villages = DemoExport.Villages(
            options.Townships,
            options.VillagesPerTownship,
            options.FirstVillageNumber
        );
        var accounts = new List<DemoAccount>
        {
            new(
                "fl-county-bureau",
                "浮梁县人社局 演示用户",
                "county-bureau",
                "360222",
                Password(),
                Key()
            ),
            new(
                "fl-county-centre",
                "浮梁县社保中心 演示用户",
                "county-centre",
                "360222",
                Password(),
                Key()
            ),
            new(
                "jdz-city-bureau",
                "景德镇市人社局 演示用户",
                "city-bureau",
                "3602",
                Password(),
                Key()
            ),
            new("jdz-auditor", "景德镇市 审计演示用户", "auditor", "3602", Password(), null),
            new("jdz-operator", "景德镇市 运维演示用户", "operator", "3602", Password(), Key()),
        };
        accounts.AddRange(
            options.Townships.Select(t => new DemoAccount(
                $"fl-township-{t}",
                $"浮梁县{t}乡镇社保所 演示用户",
                "township-officer",
                $"360222{t}",
                Password(),
                null
            ))
        );
        accounts.AddRange(
            villages.Select(v => new DemoAccount(
                $"fl-clerk-{v}",
                $"{v} 村级经办 演示用户",
                "village-clerk",
                v,
                Password(),
                null
            ))
        );
        return accounts;
    }

    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";

    private static string Password() => "Demo-" + RandomNumberGenerator.GetString(Alphabet, 10);

    private static string Key() => Base32Encoding.ToString(RandomNumberGenerator.GetBytes(20));
}

/// <summary>The automated tests' development tokens (POST /dev/token, Testing only): any role and
/// scope, no sign-in.</summary>
public sealed class DevTokens(Uri gateway) : IDemoSignIn
{
    public async Task<string> TokenAsync(string role, string scope)
    {
        using var client = new HttpClient { BaseAddress = gateway };
        var response = await client.PostAsJsonAsync("/dev/token", new { role, scope });
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException(
                $"POST /dev/token: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}"
            );
        return (await response.Content.ReadFromJsonAsync<JsonObject>())![
            "accessToken"
        ]!.GetValue<string>();
    }
}
