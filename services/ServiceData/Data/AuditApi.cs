using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using Subsidy.ServiceDefaults.Auth;

namespace Subsidy.ServiceData;

/// <summary>GET {group}/audit: every recorded change within the caller's scope, for auditors and
/// the bureaus.</summary>
public static class AuditApi
{
    public const int MaxEntries = 1000;

    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder group)
    {
        group
            .MapGet("/audit", ListAudit)
            .RequireRoles(Roles.Auditor, Roles.CountyBureau, Roles.CityBureau, Roles.CountyCentre);
        return group;
    }

    public static async Task<
        Results<Ok<IReadOnlyList<AuditEntryView>>, ProblemHttpResult>
    > ListAudit(
        string? division,
        string? entity,
        string? key,
        int? limit,
        HttpContext http,
        NpgsqlDataSource dataSource,
        AuditWording wording,
        CancellationToken cancellationToken
    )
    {
        var caller = http.GetCaller();
        var prefix = division ?? caller.Scope;
        if (!caller.Covers(prefix))
            return Problems.OutOfScope(caller, prefix);
        return TypedResults.Ok(
            await AuditLog.ListAsync(
                dataSource,
                wording,
                prefix,
                entity,
                key,
                Math.Clamp(limit ?? MaxEntries, 1, MaxEntries),
                cancellationToken
            )
        );
    }
}
