using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Subsidy.ServiceDefaults.Auth;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>"iss" of the development issuer's tokens (Testing only).</summary>
    public string Issuer { get; set; } = DevTokenIssuer.DefaultIssuer;
    public string Audience { get; set; } = DevTokenIssuer.DefaultAudience;

    /// <summary>
    /// The OIDC issuer every service trusts: this system's identity service at its public address
    /// (the gateway's), or any other issuer. Tokens' "iss" must equal the issuer its discovery
    /// document names.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>
    /// Where to read the issuer's discovery document and keys, when that is not the public address
    /// (the identity service's own address inside the deployment). Default: the authority's
    /// /.well-known/openid-configuration.
    /// </summary>
    public string? MetadataAddress { get; set; }

    /// <summary>Testing only: the key the development token issuer signs with (base64).</summary>
    public string? DevSigningKey { get; set; }
}

public static class AuthExtensions
{
    public const string Scheme = JwtBearerDefaults.AuthenticationScheme;
    private const string IssuerScheme = "oidc-bearer";
    private const string DevelopmentScheme = "dev-bearer";

    /// <summary>
    /// Bearer-token authentication shared by the gateway and every service: the gateway checks a
    /// token, and each service checks it again, so a call that bypasses the gateway gets the same
    /// answer. Tokens of the configured OIDC issuer (Auth:Authority) are trusted; in the Testing
    /// environment, so are the development issuer's (Auth:DevSigningKey), each token checked by the
    /// one its "iss" names.
    /// </summary>
    public static TBuilder AddSubsidyAuthentication<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var options = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>()
            ?? new AuthOptions();
        builder.Services.Configure<AuthOptions>(
            builder.Configuration.GetSection(AuthOptions.Section)
        );
        var issuer = !string.IsNullOrWhiteSpace(options.Authority);
        var development = !string.IsNullOrWhiteSpace(options.DevSigningKey);

        if (!issuer && !development)
        {
            throw new InvalidOperationException(
                "认证未配置：请设置 Auth:Authority（OIDC 签发方）或 Auth:DevSigningKey（仅限自动化测试）。"
            );
        }
        if (development && !DevTokenIssuer.IsAllowedIn(builder.Environment))
        {
            throw new InvalidOperationException(
                "开发令牌签名密钥只能在测试环境（Testing）中使用。"
            );
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<RevokedAccess>();
        var authentication = builder
            .Services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Bearer", policy =>
                policy.ForwardDefaultSelector = http =>
                    development && (!issuer || IssuedBy(http, options.Issuer))
                        ? DevelopmentScheme
                        : IssuerScheme
            );
        if (issuer)
        {
            authentication.AddJwtBearer(IssuerScheme, jwt =>
            {
                Common(jwt, options);
                var metadata = options.MetadataAddress is { Length: > 0 } configured
                    ? configured
                    : options.Authority!.TrimEnd('/') + "/.well-known/openid-configuration";
                jwt.Authority = options.Authority;
                jwt.MetadataAddress = metadata;
                // TLS ends in front of the gateway; inside the deployment the discovery document is
                // read over plain HTTP.
                jwt.RequireHttpsMetadata = false;
                jwt.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                    metadata,
                    new InternalKeySetRetriever(options.Authority!, metadata),
                    new HttpDocumentRetriever { RequireHttps = false }
                )
                {
                    // A token signed with a key not seen yet (after a key rotation) makes the keys
                    // be read again, at most this often.
                    RefreshInterval = TimeSpan.FromSeconds(30),
                    AutomaticRefreshInterval = TimeSpan.FromHours(1),
                };
            });
        }
        if (development)
        {
            authentication.AddJwtBearer(DevelopmentScheme, jwt =>
            {
                Common(jwt, options);
                jwt.TokenValidationParameters.ValidIssuer = options.Issuer;
                jwt.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(
                    Convert.FromBase64String(options.DevSigningKey!)
                );
            });
        }
        builder.Services.AddAuthorization();
        return builder;
    }

    private static void Common(JwtBearerOptions jwt, AuthOptions options)
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
        jwt.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                var revoked = context.HttpContext.RequestServices.GetService<RevokedAccess>();
                if (
                    revoked is not null
                    && context.Principal?.FindFirstValue(Caller.SubjectClaim) is { } subject
                    && context.SecurityToken is JsonWebToken token
                    && revoked.IsRevoked(subject, token.IssuedAt)
                )
                {
                    context.Fail(new AccessRevokedException("账号的访问权限已被撤销。"));
                }
                return Task.CompletedTask;
            },
            // A refusal says why, in Chinese, like every other 4xx of the system.
            OnChallenge = async context =>
            {
                context.HandleResponse();
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                var detail = context.AuthenticateFailure switch
                {
                    SecurityTokenExpiredException => "登录已过期，请重新登录。",
                    AccessRevokedException => "账号已停用或权限已变更，请重新登录。",
                    null => "请先登录：请求缺少访问令牌。",
                    _ => "访问令牌无效，请重新登录。",
                };
                await context.Response.WriteAsJsonAsync(
                    new
                    {
                        title = "未登录",
                        status = 401,
                        detail,
                    },
                    (System.Text.Json.JsonSerializerOptions?)null,
                    "application/problem+json"
                );
            },
        };
    }

    /// <summary>The "iss" of the request's bearer token, read without checking it: only to pick the
    /// scheme that will.</summary>
    private static bool IssuedBy(HttpContext http, string issuer)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return false;
        try
        {
            return new JsonWebToken(header["Bearer ".Length..].Trim()).Issuer == issuer;
        }
        catch (ArgumentException)
        {
            // Not a JWT at all (SecurityTokenMalformedException is one): the issuer's scheme
            // refuses it.
            return false;
        }
    }

    /// <summary>Endpoint filter: only callers holding one of <paramref name="roles"/> pass; others
    /// get 403 with the reason.</summary>
    public static RouteHandlerBuilder RequireRoles(
        this RouteHandlerBuilder endpoint,
        params string[] roles
    ) =>
        endpoint.AddEndpointFilter(
            async (context, next) =>
            {
                var caller = Caller.From(context.HttpContext.User);
                if (!caller.HasRole(roles))
                {
                    return Problems.Forbidden(
                        $"该操作仅限{string.Join("、", roles.Select(Roles.DisplayName))}，当前角色为{Roles.DisplayName(caller.Role)}。"
                    );
                }
                return await next(context);
            }
        );

    public static Caller GetCaller(this HttpContext context) => Caller.From(context.User);
}

/// <summary>The token's account had its access taken away after the token was issued (<see
/// cref="RevokedAccess"/>).</summary>
public sealed class AccessRevokedException(string message) : SecurityTokenException(message);

/// <summary>
/// Reads the issuer's discovery document, then its keys. The document names the keys at the
/// issuer's public address (the gateway's); inside the deployment they are read where the document
/// was, the identity service itself.
/// </summary>
internal sealed class InternalKeySetRetriever(string authority, string metadataAddress)
    : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    private readonly string _public = authority.TrimEnd('/') + "/";
    private readonly string _internal = metadataAddress[
        ..(
            metadataAddress.IndexOf(".well-known/", StringComparison.Ordinal) is >= 0 and var at
                ? at
                : metadataAddress.Length
        )
    ];

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(
        string address,
        IDocumentRetriever retriever,
        CancellationToken cancel
    )
    {
        var configuration = OpenIdConnectConfiguration.Create(
            await retriever.GetDocumentAsync(address, cancel)
        );
        var keys = configuration.JwksUri;
        if (
            keys is not null
            && keys.StartsWith(_public, StringComparison.OrdinalIgnoreCase)
            && _internal.Length > 0
        )
            keys = _internal + keys[_public.Length..];
        if (keys is not null)
        {
            configuration.JsonWebKeySet = new JsonWebKeySet(
                await retriever.GetDocumentAsync(keys, cancel)
            );
            foreach (var key in configuration.JsonWebKeySet.GetSigningKeys())
                configuration.SigningKeys.Add(key);
        }
        return configuration;
    }
}
