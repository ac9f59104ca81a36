namespace Subsidy.ServiceDefaults.Auth;

/// <summary>
/// Why an action was refused, as the pure rules say it and the endpoints answer it (<see
/// cref="Problems.From"/>): no access (403), nothing there (404), a state that does not allow it
/// (409) or invalid input (400, per field); in Chinese.
/// </summary>
public sealed record Refusal(
    int StatusCode,
    string? Message,
    IReadOnlyList<(string Field, string Message)> Errors
)
{
    public static Refusal Forbidden(string message) => new(403, message, []);

    public static Refusal NotFound(string message) => new(404, message, []);

    public static Refusal Conflict(string message) => new(409, message, []);

    /// <summary>Null when there is no error.</summary>
    public static Refusal? Invalid(IEnumerable<(string Field, string Message)> errors) =>
        errors.ToList() is { Count: > 0 } list ? new(400, null, list) : null;

    public static Refusal OutOfScope(Caller caller, string divisionCode) =>
        Forbidden(OutOfScopeMessage(caller, divisionCode));

    /// <summary>
    /// The one answer for a division outside the caller's scope. It names only what the caller sent
    /// and their own scope, so it tells nothing about the division
    /// (docs/design/08-access-and-roles.md: scope is checked before anything is read about the
    /// target).
    /// </summary>
    public static string OutOfScopeMessage(Caller caller, string divisionCode) =>
        $"区划 {divisionCode} 不在您的管辖范围（{caller.Scope}）内。";

    /// <summary>A step that none of the caller's roles may take: who may, and who the caller
    /// is.</summary>
    public static Refusal WrongRole(string actionName, IEnumerable<string> roles, Caller caller) =>
        Forbidden(
            $"{actionName}须由{string.Join("或", roles.Select(Roles.DisplayName))}办理，当前角色为{Roles.DisplayName(caller.Role)}。"
        );
}
