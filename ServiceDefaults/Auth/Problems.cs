using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Subsidy.ServiceDefaults.Auth;

/// <summary>Problem responses with Chinese text, so every refusal tells the user why.</summary>
public static class Problems
{
    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: StatusCodes.Status403Forbidden,
            title: "无权操作"
        );

    public static ProblemHttpResult OutOfScope(Caller caller, string divisionCode) =>
        Forbidden(Refusal.OutOfScopeMessage(caller, divisionCode));

    /// <summary>A refusal as its problem response; field errors travel keyed by field, as <see
    /// cref="Invalid"/> answers them.</summary>
    public static ProblemHttpResult From(Refusal refusal) =>
        refusal.StatusCode switch
        {
            403 => Forbidden(refusal.Message!),
            404 => NotFound(refusal.Message!),
            409 => Conflict(refusal.Message!),
            _ => TypedResults.Problem(
                new HttpValidationProblemDetails(
                    refusal
                        .Errors.GroupBy(e => e.Field)
                        .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray())
                )
                {
                    Detail = refusal.Message
                        ?? string.Join("；", refusal.Errors.Select(e => e.Message)),
                    Status = refusal.StatusCode,
                    Title = "输入有误",
                }
            ),
        };

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: StatusCodes.Status404NotFound,
            title: "未找到"
        );

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: StatusCodes.Status409Conflict,
            title: "状态冲突"
        );

    /// <summary>Every violation at once, keyed by field, each message in Chinese.</summary>
    public static ValidationProblem Invalid(IEnumerable<(string Field, string Message)> errors) =>
        TypedResults.ValidationProblem(
            errors
                .GroupBy(e => e.Field)
                .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            title: "输入有误"
        );

    /// <summary>The Chinese reason a refusal carries: what a batch answers for one object its
    /// single step refused.</summary>
    public static string ReasonOf(IResult refusal) =>
        refusal switch
        {
            ProblemHttpResult problem => problem.ProblemDetails.Detail ?? "未能办理。",
            ValidationProblem invalid => string.Join(
                "；",
                invalid.ProblemDetails.Errors.SelectMany(e => e.Value)
            ),
            _ => "未能办理。",
        };
}
