using Scalar.AspNetCore;

namespace Gateway.Apis;

/// <summary>
/// One API reference page for integrators (a county's IT, the tax bureau's developers) over every
/// service's OpenAPI document, each read through this gateway, which is also the server the page
/// sends its requests to.
/// </summary>
public static class ApiReference
{
    public const string Path = "/api/reference";

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        app.MapScalarApiReference(Path, options =>
                options
                    .WithTitle("城乡居民养老保险集体补助系统 API")
                    .AddDocument(
                        "registry",
                        "方案登记 Scheme registry",
                        "/api/registry/openapi/v1.json",
                        isDefault: true
                    )
                    .AddDocument(
                        "imports",
                        "缴费明细导入 Contribution import",
                        "/api/imports/openapi/v1.json"
                    )
                    .AddDocument(
                        "calculation",
                        "补助测算 Calculation",
                        "/api/calculation/openapi/v1.json"
                    )
                    .AddDocument("documents", "文书 Documents", "/api/documents/openapi/v1.json")
            )
            .AllowAnonymous();
        return app;
    }
}
