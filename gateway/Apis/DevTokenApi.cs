using Microsoft.AspNetCore.Http.HttpResults;
using Subsidy.ServiceDefaults.Auth;

namespace Gateway.Apis;

public sealed record DevTokenRequest(string? User, string? Role, string? Scope, string? Name);

public sealed record DevTokenResponse(
    string AccessToken,
    string TokenType,
    int ExpiresIn,
    DemoUser User
);

/// <summary>
/// The development token issuer (docs/design/08-access-and-roles.md): demo users for every role and
/// scope. Mapped only in the Development and Testing environments; production has no such endpoint
/// and trusts its OIDC issuer.
/// </summary>
public static class DevTokenApi
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    public static readonly IReadOnlyList<DemoUser> DemoUsers =
    [
        new("city-bureau", "景德镇市人社局 演示用户", Roles.CityBureau, "3602"),
        new("county-bureau", "浮梁县人社局 演示用户", Roles.CountyBureau, "360222"),
        new("county-centre", "浮梁县社保中心 演示用户", Roles.CountyCentre, "360222"),
        new("township-officer", "浮梁镇社保所 演示用户", Roles.TownshipOfficer, "360222100"),
        new("village-clerk", "浮梁镇演示村 村级经办", Roles.VillageClerk, "360222100201"),
        new("auditor", "景德镇市 审计演示用户", Roles.Auditor, "3602"),
        new("operator", "景德镇市 运维演示用户", Roles.Operator, "3602"),
        new("other-county-centre", "乐平市社保中心 演示用户", Roles.CountyCentre, "360281"),
    ];

    public static IEndpointRouteBuilder MapDevTokenApi(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<DevTokenIssuer>() is null)
        {
            // Outside the automated tests there is no such issuer: its addresses are not found (not
            // the portal's pages).
            app.Map("/dev/{**rest}", () =>
                    Problems.NotFound("开发令牌只在自动化测试中提供；请在身份服务登录。")
                )
                .AllowAnonymous();
            return app;
        }
        var group = app.MapGroup("/dev").AllowAnonymous().WithTags("开发令牌");
        group.MapGet("/users", () => TypedResults.Ok(DemoUsers));
        group.MapPost("/token", IssueToken);
        return app;
    }

    public static Results<Ok<DevTokenResponse>, ValidationProblem> IssueToken(
        DevTokenRequest request,
        DevTokenIssuer issuer
    )
    {
        DemoUser? user;
        if (!string.IsNullOrWhiteSpace(request.User))
        {
            user = DemoUsers.FirstOrDefault(u => u.UserId == request.User);
            if (user is null)
                return Problems.Invalid([
                    (
                        "user",
                        $"没有名为 {request.User} 的演示用户，可选：{string.Join("、", DemoUsers.Select(u => u.UserId))}。"
                    ),
                ]);
        }
        else
        {
            var errors = new List<(string, string)>();
            if (request.Role is null || !Roles.All.Contains(request.Role))
                errors.Add(("role", $"角色须为以下之一：{string.Join("、", Roles.All)}。"));
            if (
                request.Scope is not { Length: >= 2 and <= 12 }
                || !request.Scope.All(char.IsAsciiDigit)
            )
                errors.Add(("scope", "管辖范围须为2至12位区划代码前缀。"));
            if (errors.Count > 0)
                return Problems.Invalid(errors);
            user = new DemoUser(
                $"{request.Role}-{request.Scope}",
                request.Name ?? $"{Roles.DisplayName(request.Role!)} {request.Scope}",
                request.Role!,
                request.Scope!
            );
        }
        return TypedResults.Ok(
            new DevTokenResponse(
                issuer.Issue(user, Lifetime),
                "Bearer",
                (int)Lifetime.TotalSeconds,
                user
            )
        );
    }
}
