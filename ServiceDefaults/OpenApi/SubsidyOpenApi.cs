using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.OpenApi;

namespace Subsidy.ServiceDefaults.OpenApi;

/// <summary>
/// Each service describes its API in an OpenAPI document that integrators read through the gateway,
/// anonymously, at /api/{area}/openapi/v1.json. The server it names is the gateway (the document's
/// own origin), never the service's internal address, and the bearer token every call needs is
/// declared once.
/// </summary>
public static class SubsidyOpenApi
{
    public static TBuilder AddSubsidyOpenApi<TBuilder>(
        this TBuilder builder,
        string title,
        string description
    )
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOpenApi(options =>
            options.AddDocumentTransformer(
                (document, _, _) =>
                {
                    document.Info.Title = title;
                    document.Info.Description = description;
                    // Relative to where the document was read: the gateway.
                    document.Servers =
                    [
                        new OpenApiServer { Url = "/", Description = "网关 gateway" },
                    ];
                    document.Components ??= new OpenApiComponents();
                    document.Components.SecuritySchemes ??=
                        new Dictionary<string, IOpenApiSecurityScheme>();
                    document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        BearerFormat = "JWT",
                        Description =
                            "OpenID Connect 身份服务签发的访问令牌（开发与测试环境：POST /dev/token）。",
                    };
                    document.Security =
                    [
                        new OpenApiSecurityRequirement
                        {
                            [new OpenApiSecuritySchemeReference("bearer", document)] = [],
                        },
                    ];
                    return Task.CompletedTask;
                }
            )
        );
        return builder;
    }

    /// <summary>GET /api/{area}/openapi/{documentName}.json, for anyone.</summary>
    public static IEndpointRouteBuilder MapSubsidyOpenApi(
        this IEndpointRouteBuilder app,
        string area
    )
    {
        app.MapOpenApi($"/api/{area}/openapi/{{documentName}}.json").AllowAnonymous();
        return app;
    }
}
