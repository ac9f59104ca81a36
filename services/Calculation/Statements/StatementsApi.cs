using System.Text.Json;
using Calculation.Inputs;
using Calculation.Rules;
using Calculation.Settlement;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Auth;

namespace Calculation.Statements;

/// <summary>The resident: by whole ID number, or by the member key of the village-year's
/// list.</summary>
public sealed record StatementRequest(string? IdNumber, string? MemberKey = null);

/// <summary>
/// 算清经济账 for one resident of a village-year, by ID number in the body (an ID number is kept out of
/// addresses, which logs and proxies keep). Anyone whose scope covers the village may ask; the
/// answer names nobody else.
/// </summary>
public static class StatementsApi
{
    public static RouteGroupBuilder MapStatementsApi(this RouteGroupBuilder group)
    {
        group.MapPost("/village-years/{villageCode}/{year:int}/statements", GetStatement);
        return group;
    }

    public static async Task<
        Results<Ok<ResidentStatement>, ProblemHttpResult, ValidationProblem>
    > GetStatement(
        string villageCode,
        int year,
        StatementRequest? body,
        HttpContext http,
        NpgsqlDataSource dataSource,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        if (!caller.Covers(villageCode))
            return Problems.OutOfScope(caller, villageCode);
        var given = body?.IdNumber?.Trim().ToUpperInvariant();
        if (!string.IsNullOrEmpty(given) && IdNumber.WhyInvalid(given) is { } invalid)
            return Problems.Invalid([("idNumber", invalid)]);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var (idNumber, unknown) = await MemberKeys.ResolveAsync(
            connection,
            null,
            villageCode,
            year,
            given,
            body?.MemberKey,
            cancellationToken
        );
        if (unknown is not null)
        {
            return Problems.From(unknown);
        }
        var (member, terms, credited) = await StatementQueries.ReadAsync(
            connection,
            villageCode,
            year,
            idNumber!,
            cancellationToken
        );
        if (member is null)
            return Problems.NotFound($"村 {villageCode} {year} 年度的测算结果中没有这位参保人。");
        var policy = await PolicyYearRow.EffectiveAsync(
            connection,
            null,
            villageCode,
            year,
            cancellationToken
        );
        if (terms is null || policy is null)
        {
            return Problems.Conflict(
                $"村 {villageCode} {year} 年度的补助方案或政策参数尚未到位，无法测算各档次的补助。"
            );
        }
        var scheme = JsonSerializer.Deserialize<SchemeTermsPublished>(terms, StoredJson.Options)!;

        // The statement names the resident masked, as its printed 告知书 does; the caller named them.
        var statement = StatementRules.Compose(
            new StatementInputs(
                new SchemeInput(
                    scheme.MembershipBasis,
                    scheme.Stacking,
                    scheme.Floors,
                    scheme.Incentives,
                    scheme.Budget
                ),
                policy.ToInput(),
                villageCode,
                year,
                member.Name,
                idNumber!,
                SpecialGroups.FromCode(member.SpecialGroup),
                ResultCodes.ExclusionOf(member.Exclusion),
                member.Tier,
                member.Amount,
                member.Prorated,
                credited,
                member.Own
            )
        );
        return TypedResults.Ok(statement with { IdNumber = IdNumber.Mask(statement.IdNumber) });
    }
}
