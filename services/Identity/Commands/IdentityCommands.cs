using Identity.Accounts;
using Identity.Data;
using Identity.Keys;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Subsidy.ServiceData;
using Subsidy.ServiceDefaults.Auth;

namespace Identity.Commands;

/// <summary>
/// One-time commands run against the identity database (ConnectionStrings:postgres) instead of
/// serving:
/// <c>create-admin</c> makes the first administrator of a county or city and prints its one-time
/// password;
/// <c>keys rotate</c> replaces the token signing and encryption keys; <c>schema</c> prints the
/// schema the model needs.
/// </summary>
public static class IdentityCommands
{
    public static bool IsCommand(string[] args) =>
        args.Length > 0 && args[0] is "create-admin" or "keys" or "schema";

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        if (args[0] == "schema")
        {
            Console.WriteLine(
                services.GetRequiredService<IdentityDb>().Database.GenerateCreateScript()
            );
            return 0;
        }
        try
        {
            await app.MigrateDatabaseAsync(typeof(Program).Assembly);
        }
        catch (Exception e)
            when (e
                    is Npgsql.NpgsqlException
                        or System.Net.Sockets.SocketException
                        or TimeoutException
            )
        {
            return Fail(
                $"无法连接身份数据库（{e.Message}）：请先启动系统（./run.sh --production），或设置 ConnectionStrings:postgres。"
            );
        }
        return args[0] switch
        {
            "create-admin" => await CreateAdministratorAsync(services, Options(args)),
            "keys" when args.Length > 1 && args[1] == "rotate" => await RotateKeysAsync(services),
            _ => Usage(),
        };
    }

    private static async Task<int> CreateAdministratorAsync(
        IServiceProvider services,
        IReadOnlyDictionary<string, string> options
    )
    {
        var scope = options.GetValueOrDefault("scope", "");
        var role = options.GetValueOrDefault(
            "role",
            scope.Length == 4 ? Roles.CityBureau : Roles.CountyBureau
        );
        var userName = options.GetValueOrDefault("user", "").ToLowerInvariant();
        var displayName = options.GetValueOrDefault("name", "");
        if (role is not (Roles.CountyBureau or Roles.CityBureau))
            return Fail(
                "初始管理员的角色须为 county-bureau（县人社局）或 city-bureau（市人社局）。"
            );
        // The command acts for the whole installation: any county or city may get its first
        // administrator.
        var installer = new Caller(
            "system:create-admin",
            "初始化命令",
            Roles.CityBureau,
            scope.Length >= 2 ? scope[..2] : ""
        );
        var errors = AccountRules.Validate(
            installer,
            userName,
            displayName,
            role,
            scope,
            creating: true
        );
        if (errors.Count > 0)
            return Fail(
                string.Join(Environment.NewLine, errors.Select(e => $"{e.Field}: {e.Message}"))
            );

        var users = services.GetRequiredService<UserManager<Account>>();
        if (await users.FindByIdAsync(userName) is not null)
            return Fail(
                $"账号 {userName} 已存在：初始管理员只能创建一次，之后请由管理员在账号管理中重置密码。"
            );
        var password = OneTimePasswords.New();
        var account = new Account
        {
            Id = userName,
            UserName = userName,
            DisplayName = displayName,
            Role = role,
            Scope = scope,
            MustChangePassword = true,
            LockoutEnabled = true,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        var failure = await services
            .GetRequiredService<AccountChanges>()
            .RunAsync(
                async change =>
                {
                    var result = await users.CreateAsync(account, password);
                    if (!result.Succeeded)
                    {
                        change.Fail();
                        return string.Join(" ", result.Errors.Select(e => e.Description));
                    }
                    await change.AuditAsync(
                        installer.UserId,
                        "installer",
                        account.Id,
                        account.Scope,
                        "create",
                        null,
                        $"{displayName}，{Roles.DisplayName(role)}，{scope}",
                        "初始管理员",
                        CancellationToken.None
                    );
                    return null;
                },
                CancellationToken.None
            );
        if (failure is not null)
            return Fail(failure);

        Console.WriteLine(
            $"已创建初始管理员 {userName}（{displayName}，{Roles.DisplayName(role)}，{scope}）。"
        );
        Console.WriteLine($"一次性密码 one-time password: {password}");
        Console.WriteLine("首次登录须设置新密码并绑定身份验证器；此密码不会再次显示。");
        return 0;
    }

    private static async Task<int> RotateKeysAsync(IServiceProvider services)
    {
        var (signing, encryption) = await KeyRing.RotateAsync(
            services.GetRequiredService<IdentityDb>(),
            CancellationToken.None
        );
        Console.WriteLine(
            $"新的签名密钥 {signing}、加密密钥 {encryption} 已生成；旧密钥保留 {KeyRing.RetainRetired.TotalDays:0} 天，其间签发的令牌仍然有效。"
        );
        Console.WriteLine(
            "请重启身份服务（identity）使新密钥生效；网关与各服务在见到新密钥签发的令牌时自动读取新公钥。"
        );
        return 0;
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length - 1; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && !args[i].Contains('='))
                options[args[i][2..]] = args[++i];
        }
        return options;
    }

    private static int Usage() =>
        Fail(
            "用法 usage: Identity create-admin --user <用户名> --name <姓名> --scope <县6位或市4位区划代码> [--role county-bureau|city-bureau]\n"
                + "              Identity keys rotate\n              Identity schema"
        );

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
