using Subsidy.ServiceDefaults.Auth;

namespace Identity.Accounts;

/// <summary>Who may hold which account and who administers it (docs/design/08-access-and-roles.md).
/// Pure rules.</summary>
public static class AccountRules
{
    /// <summary>County and city roles sign in with a second factor.</summary>
    public static bool RequiresSecondFactor(string role) =>
        role is Roles.CountyCentre or Roles.CountyBureau or Roles.CityBureau or Roles.Operator;

    /// <summary>The bureaus administer accounts: the county bureau its county's, the city bureau
    /// the city's.</summary>
    public static bool IsAdministrator(Caller caller) =>
        caller.HasRole(Roles.CountyBureau, Roles.CityBureau) && caller.Scope.Length is 4 or 6;

    /// <summary>Division-code prefix length that fits each role: a village clerk's scope is a
    /// village, and so on.</summary>
    public static IReadOnlyList<int> ScopeLengths(string role) =>
        role switch
        {
            Roles.VillageClerk => [12],
            Roles.TownshipOfficer => [9],
            Roles.CountyCentre or Roles.CountyBureau => [6],
            Roles.CityBureau or Roles.Operator => [4],
            Roles.Auditor => [4, 6],
            _ => [],
        };

    public const int MaxUserNameLength = 64;

    /// <summary>Every reason an account's fields are refused, in Chinese, keyed by field.</summary>
    public static List<(string Field, string Message)> Validate(
        Caller administrator,
        string? userName,
        string? displayName,
        string? role,
        string? scope,
        bool creating
    )
    {
        var errors = new List<(string, string)>();
        if (creating)
        {
            if (string.IsNullOrWhiteSpace(userName))
                errors.Add(("userName", "用户名不能为空。"));
            else if (
                userName.Length is < 3 or > MaxUserNameLength
                || !userName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            )
                errors.Add(
                    ("userName", $"用户名须为3至{MaxUserNameLength}位英文字母、数字或 - _ .。")
                );
        }
        if (string.IsNullOrWhiteSpace(displayName))
            errors.Add(("displayName", "姓名（显示名）不能为空。"));
        else if (displayName.Length > 64)
            errors.Add(("displayName", "姓名（显示名）最多64个字。"));
        if (role is null || !Roles.All.Contains(role))
        {
            errors.Add(("role", $"角色须为以下之一：{string.Join("、", Roles.All)}。"));
        }
        else if (
            scope is null
            || !scope.All(char.IsAsciiDigit)
            || !ScopeLengths(role).Contains(scope.Length)
        )
        {
            errors.Add(
                (
                    "scope",
                    $"{Roles.DisplayName(role)}的管辖范围须为{string.Join("或", ScopeLengths(role))}位区划代码。"
                )
            );
        }
        else if (!administrator.Covers(scope))
        {
            errors.Add(("scope", Refusal.OutOfScopeMessage(administrator, scope)));
        }
        return errors;
    }

    /// <summary>An administrator sees and changes only accounts within its own scope.</summary>
    public static bool Administers(Caller administrator, Account account) =>
        IsAdministrator(administrator) && administrator.Covers(account.Scope);
}
