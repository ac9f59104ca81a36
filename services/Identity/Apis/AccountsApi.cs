using Identity.Accounts;
using Identity.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using Subsidy.ServiceData;
using Subsidy.ServiceData.Operations;
using Subsidy.ServiceDefaults.Auth;

namespace Identity.Apis;

public sealed record AccountView(
    string UserName,
    string DisplayName,
    string Role,
    string RoleName,
    string Scope,
    bool Enabled,
    bool MustChangePassword,
    bool TwoFactorEnabled,
    DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt
)
{
    public static AccountView Of(Account a) =>
        new(
            a.Id,
            a.DisplayName,
            a.Role,
            Roles.DisplayName(a.Role),
            a.Scope,
            a.Enabled,
            a.MustChangePassword,
            a.TwoFactorEnabled,
            a.LockoutEnd is { } end && end > DateTimeOffset.UtcNow ? end : null,
            a.CreatedAt
        );
}

public sealed record NewAccount(string? UserName, string? DisplayName, string? Role, string? Scope);

public sealed record AccountChange(
    string? DisplayName,
    string? Role,
    string? Scope,
    string? Reason
);

public sealed record Reason(string? Text);

/// <summary>The one-time password is shown once, to the administrator who hands it over; the person
/// replaces it at first sign-in.</summary>
public sealed record IssuedPassword(AccountView Account, string OneTimePassword);

/// <summary>
/// Account administration (docs/design/08-access-and-roles.md): the county bureau administers its
/// county's accounts, the city bureau the city's. An account outside the administrator's scope
/// answers 404 like one that does not exist, so nothing about another county's accounts shows.
/// Every change is audited (GET /api/accounts/audit).
/// </summary>
public static class AccountsApi
{
    public static RouteGroupBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/accounts").RequireAuthorization().WithTags("账号管理");
        group.MapAuditApi();
        group.MapOperationsApi();
        var admin = group.MapGroup("").AddEndpointFilter(OnlyAdministrators);
        admin.MapGet("/", List);
        admin.MapGet("/{userName}", Get);
        admin.MapPost("/", Create);
        admin.MapPut("/{userName}", Update);
        admin.MapPost("/{userName}/disable", Disable);
        admin.MapPost("/{userName}/enable", Enable);
        admin.MapPost("/{userName}/password-reset", ResetPassword);
        admin.MapPost("/{userName}/two-factor-reset", ResetSecondFactor);
        admin.MapPost("/{userName}/unlock", Unlock);
        return group;
    }

    private static async ValueTask<object?> OnlyAdministrators(
        EndpointFilterInvocationContext context,
        EndpointFilterDelegate next
    )
    {
        var caller = context.HttpContext.GetCaller();
        if (!AccountRules.IsAdministrator(caller))
        {
            return Problems.Forbidden(
                $"账号管理仅限县人社局（本县账号）和市人社局（本市账号），当前角色为{Roles.DisplayName(caller.Role)}。"
            );
        }
        return await next(context);
    }

    public const int MaxPageSize = 500;
    private const int MaxListed = 5000;

    /// <summary>
    /// The administered accounts, filtered (user name or display name containing q, a role) and,
    /// with page and pageSize, one page of them; X-Total-Count carries how many match, so a page of
    /// a city's accounts is all that travels.
    /// </summary>
    public static async Task<
        Results<Ok<List<AccountView>>, ValidationProblem, ProblemHttpResult>
    > List(
        string? scope,
        string? q,
        string? role,
        int? page,
        int? pageSize,
        HttpContext http,
        IdentityDb db,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        var prefix = string.IsNullOrEmpty(scope) ? caller.Scope : scope;
        if (!caller.Covers(prefix))
            return Problems.OutOfScope(caller, prefix);
        var errors = new List<(string, string)>();
        if (page is < 1)
            errors.Add(("page", "页码须为正整数。"));
        if (pageSize is < 1 or > MaxPageSize)
            errors.Add(("pageSize", $"每页条数须在1至{MaxPageSize}之间。"));
        if (role is { Length: > 0 } && !Roles.All.Contains(role))
            errors.Add(("role", $"角色须为以下之一：{string.Join("、", Roles.All)}。"));
        if (q is { Length: > 64 })
            errors.Add(("q", "查询内容最多64个字。"));
        if (errors.Count > 0)
            return Problems.Invalid(errors);

        var query = db.Users.AsNoTracking().Where(a => a.Scope.StartsWith(prefix));
        if (q?.Trim() is { Length: > 0 } text)
        {
            var lower = text.ToLowerInvariant();
            query = query.Where(a => a.Id.Contains(lower) || a.DisplayName.Contains(text));
        }
        if (role is { Length: > 0 })
            query = query.Where(a => a.Role == role);
        http.Response.Headers["X-Total-Count"] = (
            await query.CountAsync(cancellationToken)
        ).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var size = pageSize ?? (page is null ? MaxListed : 20);
        var accounts = await query
            .OrderBy(a => a.Scope)
            .ThenBy(a => a.Id)
            .Skip(((page ?? 1) - 1) * size)
            .Take(size)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(accounts.Select(AccountView.Of).ToList());
    }

    public static async Task<Results<Ok<AccountView>, ProblemHttpResult>> Get(
        string userName,
        HttpContext http,
        UserManager<Account> users
    ) =>
        await Administered(http, users, userName) is { } account
            ? TypedResults.Ok(AccountView.Of(account))
            : NotFound(userName);

    public static async Task<
        Results<Created<IssuedPassword>, ValidationProblem, ProblemHttpResult>
    > Create(
        NewAccount request,
        HttpContext http,
        UserManager<Account> users,
        AccountChanges changes,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        var errors = AccountRules.Validate(
            caller,
            request.UserName,
            request.DisplayName,
            request.Role,
            request.Scope,
            creating: true
        );
        if (errors.Count > 0)
            return errors.Any(e => e.Message.Contains("管辖范围（", StringComparison.Ordinal))
                ? Problems.OutOfScope(caller, request.Scope!)
                : Problems.Invalid(errors);
        var userName = request.UserName!.Trim().ToLowerInvariant();
        if (
            await users.FindByIdAsync(userName) is not null
            || await users.FindByNameAsync(userName) is not null
        )
        {
            return Problems.Conflict($"用户名 {userName} 已被使用，请换一个。");
        }
        var password = OneTimePasswords.New();
        var account = new Account
        {
            Id = userName,
            UserName = userName,
            DisplayName = request.DisplayName!.Trim(),
            Role = request.Role!,
            Scope = request.Scope!,
            MustChangePassword = true,
            LockoutEnabled = true,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        var failure = await changes.RunAsync(
            async scope =>
            {
                var result = await users.CreateAsync(account, password);
                if (!result.Succeeded)
                {
                    scope.Fail();
                    return string.Join(" ", result.Errors.Select(e => e.Description));
                }
                await scope.AuditAsync(
                    caller.UserId,
                    caller.Role,
                    account.Id,
                    account.Scope,
                    "create",
                    null,
                    Describe(account),
                    null,
                    cancellationToken
                );
                return null;
            },
            cancellationToken
        );
        if (failure is not null)
            return Problems.Invalid([("userName", failure)]);
        return TypedResults.Created(
            $"/api/accounts/{account.Id}",
            new IssuedPassword(AccountView.Of(account), password)
        );
    }

    public static async Task<Results<Ok<AccountView>, ValidationProblem, ProblemHttpResult>> Update(
        string userName,
        AccountChange request,
        HttpContext http,
        UserManager<Account> users,
        IOpenIddictTokenManager tokens,
        AccountChanges changes,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (await Administered(http, users, userName) is not { } account)
            return NotFound(userName);
        var errors = AccountRules.Validate(
            caller,
            account.Id,
            request.DisplayName ?? account.DisplayName,
            request.Role ?? account.Role,
            request.Scope ?? account.Scope,
            creating: false
        );
        if (errors.Count > 0)
            return errors.Any(e => e.Message.Contains("管辖范围（", StringComparison.Ordinal))
                ? Problems.OutOfScope(caller, request.Scope!)
                : Problems.Invalid(errors);
        var before = Describe(account);
        var accessChanged =
            (request.Role ?? account.Role) != account.Role
            || (request.Scope ?? account.Scope) != account.Scope;
        account.DisplayName = (request.DisplayName ?? account.DisplayName).Trim();
        account.Role = request.Role ?? account.Role;
        account.Scope = request.Scope ?? account.Scope;
        await changes.RunAsync(
            async scope =>
            {
                await users.UpdateAsync(account);
                // A narrower role or scope must not wait for the old tokens to run out.
                if (accessChanged)
                    await EndSessionsAsync(scope, users, tokens, account, cancellationToken);
                await scope.AuditAsync(
                    caller.UserId,
                    caller.Role,
                    account.Id,
                    account.Scope,
                    "update",
                    before,
                    Describe(account),
                    request.Reason,
                    cancellationToken
                );
                return true;
            },
            cancellationToken
        );
        return TypedResults.Ok(AccountView.Of(account));
    }

    public static async Task<Results<Ok<AccountView>, ProblemHttpResult>> Disable(
        string userName,
        Reason? reason,
        HttpContext http,
        UserManager<Account> users,
        IOpenIddictTokenManager tokens,
        AccountChanges changes,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (await Administered(http, users, userName) is not { } account)
            return NotFound(userName);
        if (account.Id == caller.UserId)
            return Problems.Conflict("不能停用自己的账号。");
        if (!account.Enabled)
            return TypedResults.Ok(AccountView.Of(account));
        account.Enabled = false;
        await changes.RunAsync(
            async scope =>
            {
                await users.UpdateAsync(account);
                await EndSessionsAsync(scope, users, tokens, account, cancellationToken);
                await scope.AuditAsync(
                    caller.UserId,
                    caller.Role,
                    account.Id,
                    account.Scope,
                    "disable",
                    "启用",
                    "停用",
                    reason?.Text,
                    cancellationToken
                );
                return true;
            },
            cancellationToken
        );
        return TypedResults.Ok(AccountView.Of(account));
    }

    public static async Task<Results<Ok<AccountView>, ProblemHttpResult>> Enable(
        string userName,
        Reason? reason,
        HttpContext http,
        UserManager<Account> users,
        AccountChanges changes,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (await Administered(http, users, userName) is not { } account)
            return NotFound(userName);
        if (account.Enabled)
            return TypedResults.Ok(AccountView.Of(account));
        account.Enabled = true;
        await changes.RunAsync(
            async scope =>
            {
                await users.UpdateAsync(account);
                await scope.AuditAsync(
                    caller.UserId,
                    caller.Role,
                    account.Id,
                    account.Scope,
                    "enable",
                    "停用",
                    "启用",
                    reason?.Text,
                    cancellationToken
                );
                return true;
            },
            cancellationToken
        );
        return TypedResults.Ok(AccountView.Of(account));
    }

    public static async Task<Results<Ok<IssuedPassword>, ProblemHttpResult>> ResetPassword(
        string userName,
        Reason? reason,
        HttpContext http,
        UserManager<Account> users,
        IOpenIddictTokenManager tokens,
        AccountChanges changes,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (await Administered(http, users, userName) is not { } account)
            return NotFound(userName);
        var password = OneTimePasswords.New();
        await changes.RunAsync(
            async scope =>
            {
                var token = await users.GeneratePasswordResetTokenAsync(account);
                account.MustChangePassword = true;
                (await users.ResetPasswordAsync(account, token, password)).ThrowOnFailure();
                await users.SetLockoutEndDateAsync(account, null);
                await users.ResetAccessFailedCountAsync(account);
                await EndSessionsAsync(scope, users, tokens, account, cancellationToken);
                await scope.AuditAsync(
                    caller.UserId,
                    caller.Role,
                    account.Id,
                    account.Scope,
                    "password-reset",
                    null,
                    "须在下次登录时设置新密码",
                    reason?.Text,
                    cancellationToken
                );
                return true;
            },
            cancellationToken
        );
        return TypedResults.Ok(new IssuedPassword(AccountView.Of(account), password));
    }

    public static async Task<Results<Ok<AccountView>, ProblemHttpResult>> ResetSecondFactor(
        string userName,
        Reason? reason,
        HttpContext http,
        UserManager<Account> users,
        IOpenIddictTokenManager tokens,
        AccountChanges changes,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (await Administered(http, users, userName) is not { } account)
            return NotFound(userName);
        await changes.RunAsync(
            async scope =>
            {
                await users.SetTwoFactorEnabledAsync(account, false);
                await users.ResetAuthenticatorKeyAsync(account);
                await users.ReplaceCodesAsync(account);
                await EndSessionsAsync(scope, users, tokens, account, cancellationToken);
                await scope.AuditAsync(
                    caller.UserId,
                    caller.Role,
                    account.Id,
                    account.Scope,
                    "two-factor-reset",
                    null,
                    "须在下次登录时重新绑定身份验证器",
                    reason?.Text,
                    cancellationToken
                );
                return true;
            },
            cancellationToken
        );
        return TypedResults.Ok(AccountView.Of(account));
    }

    public static async Task<Results<Ok<AccountView>, ProblemHttpResult>> Unlock(
        string userName,
        Reason? reason,
        HttpContext http,
        UserManager<Account> users,
        AccountChanges changes,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (await Administered(http, users, userName) is not { } account)
            return NotFound(userName);
        await changes.RunAsync(
            async scope =>
            {
                await users.SetLockoutEndDateAsync(account, null);
                await users.ResetAccessFailedCountAsync(account);
                await scope.AuditAsync(
                    caller.UserId,
                    caller.Role,
                    account.Id,
                    account.Scope,
                    "unlock",
                    "锁定",
                    "解锁",
                    reason?.Text,
                    cancellationToken
                );
                return true;
            },
            cancellationToken
        );
        return TypedResults.Ok(AccountView.Of(account));
    }

    /// <summary>
    /// Refresh tokens revoked and the sign-in session ended at once (new security stamp); the
    /// unexpired access tokens are refused everywhere once the revocation event arrives.
    /// </summary>
    private static async Task EndSessionsAsync(
        AccountChangeScope scope,
        UserManager<Account> users,
        IOpenIddictTokenManager tokens,
        Account account,
        CancellationToken cancellationToken
    )
    {
        await users.UpdateSecurityStampAsync(account);
        await tokens.RevokeBySubjectAsync(account.Id, cancellationToken);
        await scope.RevokeAccessAsync(account.Id, cancellationToken);
    }

    private static async Task<Account?> Administered(
        HttpContext http,
        UserManager<Account> users,
        string userName
    )
    {
        var account =
            userName.Length <= AccountRules.MaxUserNameLength
                ? await users.FindByIdAsync(userName.ToLowerInvariant())
                : null;
        return account is not null && AccountRules.Administers(http.GetCaller(), account)
            ? account
            : null;
    }

    private static ProblemHttpResult NotFound(string userName) =>
        Problems.NotFound($"您管辖的账号中没有 {userName}。");

    private static string Describe(Account a) =>
        $"{a.DisplayName}，{Roles.DisplayName(a.Role)}，{a.Scope}";

    private static Task ReplaceCodesAsync(this UserManager<Account> users, Account account) =>
        users.GenerateNewTwoFactorRecoveryCodesAsync(account, 10);

    private static void ThrowOnFailure(this IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException(
                string.Join(" ", result.Errors.Select(e => e.Description))
            );
    }
}
