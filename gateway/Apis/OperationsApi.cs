using Gateway.Proxy;
using Microsoft.AspNetCore.Http.HttpResults;
using Subsidy.ServiceDefaults.Auth;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Gateway.Apis;

/// <summary>One process the gateway routes to, as its health probes see it.</summary>
public sealed record InstanceView(string Address, string Health, string HealthLabel);

/// <summary>A service behind the gateway: its instances, and where its own operations API (queues
/// and dead letters) is reached, if it has one.</summary>
public sealed record ServiceInstances(
    string Service,
    string Label,
    string? OperationsPath,
    IReadOnlyList<InstanceView> Instances
);

/// <summary>GET /api/operations/instances: every service instance and its health, for the city's
/// operator (运维人员).</summary>
public static class OperationsApi
{
    /// <summary>The path prefix under which each service maps its operations API
    /// (Subsidy.ServiceData.Operations).</summary>
    private static readonly Dictionary<string, string> OperationsPaths = new(StringComparer.Ordinal)
    {
        ["identity"] = "/api/accounts",
        ["scheme-registry"] = "/api/registry",
        ["contribution-import"] = "/api/imports",
        ["calculation"] = "/api/calculation",
        ["document"] = "/api/documents",
    };

    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/operations/instances", ListInstances)
            .RequireAuthorization()
            .RequireRoles(Roles.Operator)
            .WithTags("运维");
        return app;
    }

    public static Ok<IReadOnlyList<ServiceInstances>> ListInstances(IProxyStateLookup proxy) =>
        TypedResults.Ok<IReadOnlyList<ServiceInstances>>(
            proxy
                .GetClusters()
                .OrderBy(c => c.ClusterId, StringComparer.Ordinal)
                .Select(c => new ServiceInstances(
                    c.ClusterId,
                    ServiceAvailability.DisplayName(c.ClusterId),
                    OperationsPaths.GetValueOrDefault(c.ClusterId),
                    c.Destinations.Values.Select(Instance).ToList()
                ))
                .ToList()
        );

    private static InstanceView Instance(DestinationState destination)
    {
        // Unhealthy to either probe is down; healthy to the active probe is up; before the first
        // probe answers nothing is known.
        var health =
            destination.Health.Active == DestinationHealth.Unhealthy
            || destination.Health.Passive == DestinationHealth.Unhealthy
                ? "down"
            : destination.Health.Active == DestinationHealth.Healthy ? "up"
            : "unknown";
        return new InstanceView(
            destination.Model.Config.Address,
            health,
            health switch
            {
                "up" => "正常",
                "down" => "不可用",
                _ => "检测中",
            }
        );
    }
}
