using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Subsidy.ServiceDefaults.Auth;

/// <summary>Problem responses with Chinese text, so every refusal tells the user why.</summary>
public static class Problems
{
    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status403Forbidden, title: "无权操作");

    public static ProblemHttpResult OutOfScope(Caller caller, string divisionCode) =>
        Forbidden($"区划 {divisionCode} 不在您的管辖范围（{caller.Scope}）内。");

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "未找到");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "状态冲突");

    /// <summary>Every violation at once, keyed by field, each message in Chinese.</summary>
    public static ValidationProblem Invalid(IEnumerable<(string Field, string Message)> errors) =>
        TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            title: "输入有误");
}
