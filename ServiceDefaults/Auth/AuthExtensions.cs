using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace Subsidy.ServiceDefaults.Auth;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Expected "iss" of tokens. With an <see cref="Authority"/> it is read from the issuer's metadata.</summary>
    public string Issuer { get; set; } = DevTokenIssuer.DefaultIssuer;
    public string Audience { get; set; } = DevTokenIssuer.DefaultAudience;

    /// <summary>Production: the OIDC issuer every service trusts.</summary>
    public string? Authority { get; set; }

    /// <summary>Development and test only: the key the development token issuer signs with (base64).</summary>
    public string? DevSigningKey { get; set; }
}

public static class AuthExtensions
{
    /// <summary>
    /// Bearer-token authentication shared by the gateway and every service: the gateway checks a token,
    /// and each service checks it again, so a call that bypasses the gateway gets the same answer.
    /// </summary>
    public static TBuilder AddSubsidyAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var options = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        builder.Services.Configure<AuthOptions>(builder.Configuration.GetSection(AuthOptions.Section));

        if (string.IsNullOrWhiteSpace(options.Authority) && string.IsNullOrWhiteSpace(options.DevSigningKey))
        {
            throw new InvalidOperationException("认证未配置：请设置 Auth:Authority（生产环境的 OIDC 签发方）或 Auth:DevSigningKey（仅限开发与测试）。");
        }
        if (!string.IsNullOrWhiteSpace(options.DevSigningKey) && !DevTokenIssuer.IsAllowedIn(builder.Environment))
        {
            throw new InvalidOperationException("开发令牌签名密钥只能在开发或测试环境中使用。");
        }

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateAudience = true,
                    ValidAudience = options.Audience,
                    RoleClaimType = Caller.RoleClaim,
                    NameClaimType = Caller.NameClaim,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                if (!string.IsNullOrWhiteSpace(options.Authority))
                {
                    jwt.Authority = options.Authority;
                    jwt.RequireHttpsMetadata = !builder.Environment.IsDevelopment();
                }
                else
                {
                    jwt.TokenValidationParameters.ValidIssuer = options.Issuer;
                    jwt.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(options.DevSigningKey!));
                }
            });
        builder.Services.AddAuthorization();
        return builder;
    }

    /// <summary>Endpoint filter: only callers holding one of <paramref name="roles"/> pass; others get 403 with the reason.</summary>
    public static RouteHandlerBuilder RequireRoles(this RouteHandlerBuilder endpoint, params string[] roles) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var caller = Caller.From(context.HttpContext.User);
            if (!caller.HasRole(roles))
            {
                return Problems.Forbidden($"该操作仅限{string.Join("、", roles.Select(Roles.DisplayName))}，当前角色为{Roles.DisplayName(caller.Role)}。");
            }
            return await next(context);
        });

    public static Caller GetCaller(this HttpContext context) => Caller.From(context.User);
}
