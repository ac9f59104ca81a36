using Microsoft.AspNetCore.Identity;

namespace Identity.Accounts;

/// <summary>At least 10 characters and not containing the user name
/// (docs/design/08-access-and-roles.md); the rest of the policy is Identity's own
/// options.</summary>
public static class PasswordPolicy
{
    public const int MinimumLength = 10;

    public static string? Refusal(string userName, string password)
    {
        if (password.Length < MinimumLength)
            return $"密码至少{MinimumLength}个字符。";
        if (userName.Length > 0 && password.Contains(userName, StringComparison.OrdinalIgnoreCase))
            return "密码不能包含用户名。";
        return null;
    }

    public const string Description = "密码至少10个字符，且不能包含用户名。";
}

public sealed class PasswordPolicyValidator : IPasswordValidator<Account>
{
    public Task<IdentityResult> ValidateAsync(
        UserManager<Account> manager,
        Account user,
        string? password
    ) =>
        Task.FromResult(
            PasswordPolicy.Refusal(user.UserName ?? "", password ?? "") is { } refusal
                ? IdentityResult.Failed(
                    new IdentityError { Code = "PasswordPolicy", Description = refusal }
                )
                : IdentityResult.Success
        );
}
