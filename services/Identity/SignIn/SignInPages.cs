using System.Security.Claims;
using Identity.Accounts;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Identity.SignIn;

/// <summary>
/// The Chinese sign-in pages of the code flow: password, then (as the account needs) the
/// authenticator code, a password of one's own in place of the one an administrator gave, and
/// enrolment of an authenticator for county and city roles. Between the steps the person is known
/// only to a short-lived "pending" cookie; the session cookie the authorization endpoint accepts is
/// issued once every step is done.
/// </summary>
public static class SignInPages
{
    public const string LoginPath = "/account/login";
    public const string SignedOutPath = "/account/signed-out";
    public const string PendingScheme = "Subsidy.SignInPending";
    private const string SecondFactorDoneClaim = "second_factor_done";
    private const string LockedMessage = "账号已锁定：连续5次输入错误，请15分钟后再试。";

    public static IEndpointRouteBuilder MapSignInPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("/account").AllowAnonymous().DisableAntiforgery();
        pages.MapGet("/login", LoginForm);
        pages.MapPost("/login", Login);
        pages.MapGet("/two-factor", SecondFactorForm);
        pages.MapPost("/two-factor", SecondFactor);
        pages.MapGet("/change-password", ChangePasswordForm);
        pages.MapPost("/change-password", ChangePassword);
        pages.MapGet("/two-factor-setup", SetupForm);
        pages.MapPost("/two-factor-setup", Setup);
        pages.MapGet("/continue", ContinueAfterCodes);
        pages.MapGet("/signed-in", () =>
            Page.Render("已登录", """<p>您已登录。请回到业务工作台继续办理。</p>""")
        );
        pages.MapGet("/signed-out", () =>
            Page.Render(
                "已退出",
                """<p>您已安全退出。</p><p class="hint">如需继续办理业务，请重新打开业务工作台并登录。</p>"""
            )
        );
        return app;
    }

    public static IResult LoginForm(
        HttpContext http,
        IAntiforgery antiforgery,
        string? returnUrl
    ) => LoginPage(http, antiforgery, Local(returnUrl), null, "");

    private static IResult LoginPage(
        HttpContext http,
        IAntiforgery antiforgery,
        string returnUrl,
        string? error,
        string userName,
        int status = 200
    ) =>
        Page.Render(
            "登录",
            Page.Error(error)
                + Page.Form(
                    http,
                    antiforgery,
                    LoginPath,
                    returnUrl,
                    $"""
                    <label for="userName">用户名</label><input type="text" id="userName" name="userName" value="{Page.E(
                        userName
                    )}" autocomplete="username" required autofocus>
                    <label for="password">密码</label><input type="password" id="password" name="password" autocomplete="current-password" required>
                    """,
                    "登录"
                )
                + """<p class="hint">连续输错5次密码，账号将锁定15分钟。忘记密码请联系本县（市）人社局管理员重置。</p>""",
            status
        );

    public static async Task<IResult> Login(
        HttpContext http,
        IAntiforgery antiforgery,
        UserManager<Account> users,
        SignInManager<Account> signIn
    )
    {
        if (await Refused(http, antiforgery) is { } refused)
            return refused;
        var form = await http.Request.ReadFormAsync();
        var returnUrl = Local(form["returnUrl"]);
        var userName = form["userName"].ToString().Trim();
        var password = form["password"].ToString();
        var account = userName.Length is > 0 and <= AccountRules.MaxUserNameLength
            ? await users.FindByNameAsync(userName)
            : null;
        if (account is null)
        {
            // Checked against a hash all the same, so an unknown name is answered as slowly as a wrong password.
            PasswordOfNobody.Verify(users.PasswordHasher, password);
            return LoginPage(
                http,
                antiforgery,
                returnUrl,
                "用户名或密码错误。",
                userName,
                StatusCodes.Status400BadRequest
            );
        }
        var result = await signIn.CheckPasswordSignInAsync(
            account,
            password,
            lockoutOnFailure: true
        );
        if (result.IsLockedOut)
        {
            SignInMetrics.Lockouts.Add(1);
            return LoginPage(
                http,
                antiforgery,
                returnUrl,
                LockedMessage,
                userName,
                StatusCodes.Status400BadRequest
            );
        }
        if (!result.Succeeded)
            return LoginPage(
                http,
                antiforgery,
                returnUrl,
                "用户名或密码错误。",
                userName,
                StatusCodes.Status400BadRequest
            );
        if (!account.Enabled)
            return LoginPage(
                http,
                antiforgery,
                returnUrl,
                "账号已停用，请联系本县（市）人社局管理员。",
                userName,
                StatusCodes.Status400BadRequest
            );

        await http.SignInAsync(PendingScheme, Pending(account, secondFactorDone: false));
        return await NextAsync(http, account, secondFactorDone: false, returnUrl, signIn);
    }

    public static async Task<IResult> SecondFactorForm(
        HttpContext http,
        IAntiforgery antiforgery,
        UserManager<Account> users,
        string? returnUrl
    ) =>
        await PendingAccount(http, users) is null
            ? Expired()
            : SecondFactorPage(http, antiforgery, Local(returnUrl), null);

    private static IResult SecondFactorPage(
        HttpContext http,
        IAntiforgery antiforgery,
        string returnUrl,
        string? error,
        int status = 200
    ) =>
        Page.Render(
            "身份验证",
            Page.Error(error)
                + Page.Form(
                    http,
                    antiforgery,
                    "/account/two-factor",
                    returnUrl,
                    """
                    <label for="code">验证码（身份验证器应用中的6位数字）或恢复码</label>
                    <input type="text" id="code" name="code" autocomplete="one-time-code" inputmode="numeric" required autofocus>
                    """,
                    "验证"
                )
                + """<p class="hint">手机丢失时可输入一个恢复码；每个恢复码只能使用一次。</p>""",
            status
        );

    public static async Task<IResult> SecondFactor(
        HttpContext http,
        IAntiforgery antiforgery,
        UserManager<Account> users,
        SignInManager<Account> signIn,
        AccountChanges changes,
        CancellationToken cancellationToken
    )
    {
        if (await Refused(http, antiforgery) is { } refused)
            return refused;
        var account = await PendingAccount(http, users);
        if (account is null)
            return Expired();
        var form = await http.Request.ReadFormAsync(cancellationToken);
        var returnUrl = Local(form["returnUrl"]);
        if (await users.IsLockedOutAsync(account))
        {
            SignInMetrics.Lockouts.Add(1);
            return SecondFactorPage(
                http,
                antiforgery,
                returnUrl,
                LockedMessage,
                StatusCodes.Status400BadRequest
            );
        }

        var code = form["code"].ToString().Trim();
        var key = await users.GetAuthenticatorKeyAsync(account);
        var accepted = false;
        if (
            key is not null
            && Accounts.SecondFactor.Verify(
                key,
                code,
                account.LastTotpStep,
                DateTime.UtcNow,
                out var step
            )
        )
        {
            account.LastTotpStep = step;
            await users.UpdateAsync(account);
            accepted = true;
        }
        else if (
            code.Length > 6
            && (
                await users.RedeemTwoFactorRecoveryCodeAsync(
                    account,
                    code.Replace(" ", "", StringComparison.Ordinal)
                )
            ).Succeeded
        )
        {
            var left = await users.CountRecoveryCodesAsync(account);
            await changes.RunAsync(
                async scope =>
                {
                    await scope.AuditAsync(
                        account.Id,
                        account.Role,
                        account.Id,
                        account.Scope,
                        "recovery-code-used",
                        null,
                        $"剩余恢复码 {left} 个",
                        null,
                        cancellationToken
                    );
                    return true;
                },
                cancellationToken
            );
            accepted = true;
        }
        if (!accepted)
        {
            await users.AccessFailedAsync(account);
            return SecondFactorPage(
                http,
                antiforgery,
                returnUrl,
                await users.IsLockedOutAsync(account)
                    ? LockedMessage
                    : "验证码不正确或已过期，请输入身份验证器中当前显示的6位数字。",
                StatusCodes.Status400BadRequest
            );
        }
        await users.ResetAccessFailedCountAsync(account);
        await http.SignInAsync(PendingScheme, Pending(account, secondFactorDone: true));
        return await NextAsync(http, account, secondFactorDone: true, returnUrl, signIn);
    }

    public static async Task<IResult> ChangePasswordForm(
        HttpContext http,
        IAntiforgery antiforgery,
        UserManager<Account> users,
        string? returnUrl
    ) =>
        await PendingAccount(http, users) is null
            ? Expired()
            : ChangePasswordPage(http, antiforgery, Local(returnUrl), null);

    private static IResult ChangePasswordPage(
        HttpContext http,
        IAntiforgery antiforgery,
        string returnUrl,
        string? error,
        int status = 200
    ) =>
        Page.Render(
            "设置新密码",
            Page.Error(error)
                + """<p>这是您首次登录（或密码已由管理员重置），请设置只有您本人知道的新密码。</p>"""
                + Page.Form(
                    http,
                    antiforgery,
                    "/account/change-password",
                    returnUrl,
                    $"""
                    <label for="newPassword">新密码</label><input type="password" id="newPassword" name="newPassword" autocomplete="new-password" required autofocus>
                    <label for="confirmPassword">再次输入新密码</label><input type="password" id="confirmPassword" name="confirmPassword" autocomplete="new-password" required>
                    <p class="hint">{Page.E(PasswordPolicy.Description)}</p>
                    """,
                    "保存并继续"
                ),
            status
        );

    public static async Task<IResult> ChangePassword(
        HttpContext http,
        IAntiforgery antiforgery,
        UserManager<Account> users,
        SignInManager<Account> signIn,
        AccountChanges changes,
        CancellationToken cancellationToken
    )
    {
        if (await Refused(http, antiforgery) is { } refused)
            return refused;
        var account = await PendingAccount(http, users);
        if (account is null || !account.MustChangePassword)
            return Expired();
        var form = await http.Request.ReadFormAsync(cancellationToken);
        var returnUrl = Local(form["returnUrl"]);
        var password = form["newPassword"].ToString();
        if (password != form["confirmPassword"].ToString())
            return ChangePasswordPage(
                http,
                antiforgery,
                returnUrl,
                "两次输入的新密码不一致。",
                StatusCodes.Status400BadRequest
            );
        if (await users.CheckPasswordAsync(account, password))
            return ChangePasswordPage(
                http,
                antiforgery,
                returnUrl,
                "新密码不能与管理员给出的初始密码相同。",
                StatusCodes.Status400BadRequest
            );

        var error = await changes.RunAsync(
            async scope =>
            {
                var token = await users.GeneratePasswordResetTokenAsync(account);
                account.MustChangePassword = false;
                var result = await users.ResetPasswordAsync(account, token, password);
                if (!result.Succeeded)
                {
                    scope.Fail();
                    return string.Join(" ", result.Errors.Select(e => e.Description));
                }
                await scope.AuditAsync(
                    account.Id,
                    account.Role,
                    account.Id,
                    account.Scope,
                    "password-changed",
                    null,
                    null,
                    "首次登录设置密码",
                    cancellationToken
                );
                return null;
            },
            cancellationToken
        );
        if (error is not null)
        {
            account.MustChangePassword = true;
            return ChangePasswordPage(
                http,
                antiforgery,
                returnUrl,
                error,
                StatusCodes.Status400BadRequest
            );
        }
        var done =
            (await http.AuthenticateAsync(PendingScheme)).Principal?.HasClaim(
                SecondFactorDoneClaim,
                "true"
            ) == true;
        await http.SignInAsync(PendingScheme, Pending(account, done));
        return await NextAsync(http, account, done, returnUrl, signIn);
    }

    public static async Task<IResult> SetupForm(
        HttpContext http,
        IAntiforgery antiforgery,
        UserManager<Account> users,
        string? returnUrl
    )
    {
        var account = await PendingAccount(http, users);
        if (account is null || account.TwoFactorEnabled)
            return Expired();
        return await SetupPage(http, antiforgery, users, account, Local(returnUrl), null);
    }

    private static async Task<IResult> SetupPage(
        HttpContext http,
        IAntiforgery antiforgery,
        UserManager<Account> users,
        Account account,
        string returnUrl,
        string? error,
        int status = 200
    )
    {
        var key = await users.GetAuthenticatorKeyAsync(account);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(account);
            key = (await users.GetAuthenticatorKeyAsync(account))!;
        }
        return Page.Render(
            "绑定身份验证器",
            Page.Error(error)
                + $"""
                <p>县、市两级账号登录时须输入身份验证器中的验证码。请在手机上的身份验证器应用（如“腾讯身份验证器”“Microsoft Authenticator”）中添加账号，输入以下密钥：</p>
                <p><code id="key">{Page.E(Accounts.SecondFactor.Grouped(key))}</code></p>
                <p class="hint">或在应用中打开此地址：<code id="uri">{Page.E(
                    Accounts.SecondFactor.AppUri(key, account.UserName!)
                )}</code></p>
                """
                + Page.Form(
                    http,
                    antiforgery,
                    "/account/two-factor-setup",
                    returnUrl,
                    """
                    <label for="code">应用中显示的6位验证码</label><input type="text" id="code" name="code" autocomplete="one-time-code" inputmode="numeric" required autofocus>
                    """,
                    "验证并绑定"
                ),
            status
        );
    }

    public static async Task<IResult> Setup(
        HttpContext http,
        IAntiforgery antiforgery,
        UserManager<Account> users,
        AccountChanges changes,
        CancellationToken cancellationToken
    )
    {
        if (await Refused(http, antiforgery) is { } refused)
            return refused;
        var account = await PendingAccount(http, users);
        if (account is null || account.TwoFactorEnabled)
            return Expired();
        var form = await http.Request.ReadFormAsync(cancellationToken);
        var returnUrl = Local(form["returnUrl"]);
        var key = await users.GetAuthenticatorKeyAsync(account);
        if (
            key is null
            || !Accounts.SecondFactor.Verify(
                key,
                form["code"],
                account.LastTotpStep,
                DateTime.UtcNow,
                out var step
            )
        )
        {
            return await SetupPage(
                http,
                antiforgery,
                users,
                account,
                returnUrl,
                "验证码不正确，请确认手机时间准确后输入应用中当前显示的6位数字。",
                StatusCodes.Status400BadRequest
            );
        }
        var codes = await changes.RunAsync(
            async scope =>
            {
                account.LastTotpStep = step;
                await users.SetTwoFactorEnabledAsync(account, true);
                var recovery = (
                    await users.GenerateNewTwoFactorRecoveryCodesAsync(account, 10)
                )!.ToList();
                await scope.AuditAsync(
                    account.Id,
                    account.Role,
                    account.Id,
                    account.Scope,
                    "two-factor-enrolled",
                    null,
                    null,
                    null,
                    cancellationToken
                );
                return recovery;
            },
            cancellationToken
        );
        await http.SignInAsync(PendingScheme, Pending(account, secondFactorDone: true));
        return Page.Render(
            "请保存恢复码",
            $"""
            <p>身份验证器已绑定。以下10个恢复码在手机丢失时可代替验证码使用，每个只能用一次，<strong>只显示这一次</strong>，请抄写或打印后妥善保管：</p>
            <ul class="codes" id="recovery-codes">{string.Concat(
                codes.Select(c => $"<li>{Page.E(c)}</li>")
            )}</ul>
            <p><a href="/account/continue?returnUrl={Uri.EscapeDataString(
                returnUrl
            )}">我已保存，继续</a></p>
            """
        );
    }

    public static async Task<IResult> ContinueAfterCodes(
        HttpContext http,
        UserManager<Account> users,
        SignInManager<Account> signIn,
        string? returnUrl
    )
    {
        var pending = await http.AuthenticateAsync(PendingScheme);
        var account = await PendingAccount(http, users);
        if (account is null)
            return Expired();
        return await NextAsync(
            http,
            account,
            pending.Principal!.HasClaim(SecondFactorDoneClaim, "true"),
            Local(returnUrl),
            signIn
        );
    }

    /// <summary>The next step the account needs, or, with none left, the session and back to where
    /// the person was going.</summary>
    private static async Task<IResult> NextAsync(
        HttpContext http,
        Account account,
        bool secondFactorDone,
        string returnUrl,
        SignInManager<Account> signIn
    )
    {
        var back = QueryString.Create("returnUrl", returnUrl);
        if (account.TwoFactorEnabled && !secondFactorDone)
            return Results.Redirect("/account/two-factor" + back);
        if (account.MustChangePassword)
            return Results.Redirect("/account/change-password" + back);
        if (AccountRules.RequiresSecondFactor(account.Role) && !account.TwoFactorEnabled)
            return Results.Redirect("/account/two-factor-setup" + back);

        await http.SignOutAsync(PendingScheme);
        await signIn.SignInAsync(account, isPersistent: false);
        return Results.Redirect(returnUrl);
    }

    private static ClaimsPrincipal Pending(Account account, bool secondFactorDone) =>
        new(
            new ClaimsIdentity(
                [
                    new Claim(ClaimTypes.NameIdentifier, account.Id),
                    new Claim(SecondFactorDoneClaim, secondFactorDone ? "true" : "false"),
                ],
                PendingScheme
            )
        );

    private static async Task<Account?> PendingAccount(HttpContext http, UserManager<Account> users)
    {
        var pending = await http.AuthenticateAsync(PendingScheme);
        if (pending.Principal?.FindFirstValue(ClaimTypes.NameIdentifier) is not { } id)
            return null;
        var account = await users.FindByIdAsync(id);
        return account is { Enabled: true } ? account : null;
    }

    private static IResult Expired() =>
        Page.Render(
            "登录已过期",
            """<div class="error">本次登录已过期或无效，请从业务工作台重新登录。</div>""",
            StatusCodes.Status400BadRequest
        );

    private static async Task<IResult?> Refused(HttpContext http, IAntiforgery antiforgery)
    {
        if (!http.Request.HasFormContentType)
            return Page.Render(
                "请求无效",
                Page.Error("请通过登录页面提交表单。"),
                StatusCodes.Status400BadRequest
            );
        return await antiforgery.IsRequestValidAsync(http)
            ? null
            : Page.Render(
                "请求无效",
                Page.Error("页面已过期，请返回重新打开登录页面后再试。"),
                StatusCodes.Status400BadRequest
            );
    }

    /// <summary>Only addresses of this site: a crafted link cannot send the person elsewhere after
    /// signing in.</summary>
    public static string Local(string? returnUrl) =>
        returnUrl is { Length: > 0 } url
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
            ? url
            : "/account/signed-in";
}
