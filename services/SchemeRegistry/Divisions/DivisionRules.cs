using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Auth;

namespace SchemeRegistry.Divisions;

/// <summary>Pure rules for maintaining the division tree; every violation is reported, each with
/// its field.</summary>
public static class DivisionRules
{
    public const int MaxNameLength = 50;

    public static List<(string Field, string Message)> ValidateNew(string? code, string? name)
    {
        var errors = new List<(string, string)>();
        if (!DivisionCode.IsWellFormed(code))
        {
            errors.Add(("code", "区划代码须为12位数字。"));
        }
        else if (
            DivisionCode.LevelOf(code!)
            is not (DivisionLevel.Township or DivisionLevel.Village or DivisionLevel.County)
        )
        {
            errors.Add(("code", $"区划代码 {code} 不是县、乡镇或村(居)一级的代码。"));
        }
        errors.AddRange(ValidateName(name));
        return errors;
    }

    public static IEnumerable<(string Field, string Message)> ValidateName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            yield return ("name", "区划名称不能为空。");
        else if (name.Trim().Length > MaxNameLength)
            yield return ("name", $"区划名称不能超过{MaxNameLength}个字。");
    }

    /// <summary>Only county officers and the city bureau maintain divisions, anywhere.</summary>
    public static string? WhyCannotMaintainAny(Caller caller) =>
        caller.HasRole(Roles.CountyCentre, Roles.CountyBureau, Roles.CityBureau)
            ? null
            : $"区划由县社保中心、县人社局或市人社局维护，当前角色为{Roles.DisplayName(caller.Role)}。";

    /// <summary>
    /// County officers maintain the townships and villages of their county; the city bureau adds
    /// counties. Nobody maintains the division that is their own scope or one above it.
    /// </summary>
    public static string? WhyCannotMaintain(Caller caller, string code)
    {
        if (WhyCannotMaintainAny(caller) is { } role)
            return role;
        if (!caller.Covers(code))
            return Refusal.OutOfScopeMessage(caller, code);
        if (DivisionCode.ScopePrefix(code).Length <= caller.Scope.Length)
            return $"不能维护本级或上级区划 {code}。";
        return null;
    }
}
