using System.Net.Http.Headers;
using System.Net.Http.Json;
using Document.Rendering;
using Microsoft.AspNetCore.Http.HttpResults;
using Subsidy.Contracts;
using Subsidy.ServiceData.Divisions;
using Subsidy.ServiceDefaults.Auth;

namespace Document.Statements;

/// <summary>The resident: by whole ID number, or by the member key of the village-year's
/// list.</summary>
public sealed record StatementRequest(string? IdNumber, string? MemberKey = null);

/// <summary>
/// 集体补助告知书: the calculation works the statement out (with the caller's own token, so its scope
/// rules apply there too) and this service prints it, deterministically, as one page. It is handed
/// back, not kept: it is about one person.
/// </summary>
public static class StatementsApi
{
    public const string CalculationClient = "calculation";

    public static RouteGroupBuilder MapStatementsApi(this RouteGroupBuilder group)
    {
        group.MapPost("/statements/{villageCode}/{year:int}", PrintStatement);
        return group;
    }

    public static async Task<
        Results<FileContentHttpResult, ProblemHttpResult, ValidationProblem>
    > PrintStatement(
        string villageCode,
        int year,
        StatementRequest? body,
        HttpContext http,
        IHttpClientFactory clients,
        DivisionReplica divisions,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (!caller.Covers(villageCode))
            return Problems.OutOfScope(caller, villageCode);
        var memberKey = body?.MemberKey?.Trim();
        if (
            string.IsNullOrEmpty(memberKey)
            && IdNumber.WhyInvalid(body?.IdNumber?.Trim()) is { } invalid
        )
        {
            return Problems.Invalid([("idNumber", invalid)]);
        }

        using var calculation = clients.CreateClient(CalculationClient);
        using var request = new HttpRequestMessage(
            HttpMethod.Post,
            $"/api/calculation/village-years/{villageCode}/{year}/statements"
        )
        {
            Content = JsonContent.Create(new { idNumber = body?.IdNumber?.Trim(), memberKey }),
        };
        if (AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization, out var bearer))
        {
            request.Headers.Authorization = bearer;
        }
        using var answer = await calculation.SendAsync(request, cancellationToken);
        if (!answer.IsSuccessStatusCode)
        {
            var problem =
                await answer.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(
                    cancellationToken
                );
            return TypedResults.Problem(
                detail: problem?.Detail ?? "无法取得测算结果。",
                statusCode: (int)answer.StatusCode,
                title: problem?.Title
            );
        }
        // Read as the problem above is, with the web defaults the calculation answers in.
        var statement = (
            await answer.Content.ReadFromJsonAsync<ResidentStatement>(cancellationToken)
        )!;
        var village = await divisions.FindAsync(villageCode, cancellationToken);
        var township = await divisions.FindAsync(
            DivisionCode.ParentOf(villageCode)!,
            cancellationToken
        );
        var pdf = StatementDocument.Pdf(
            statement,
            village?.Name ?? villageCode,
            township?.Name ?? ""
        );
        return TypedResults.File(
            pdf,
            "application/pdf",
            $"{village?.Name ?? villageCode}{year}年度集体补助告知书.pdf"
        );
    }
}
