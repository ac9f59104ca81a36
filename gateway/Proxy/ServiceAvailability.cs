using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Gateway.Proxy;

/// <summary>
/// While a service is down (its process died and is being restarted, or it was stopped) the gateway
/// answers its routes with 503 and the reason in Chinese instead of an empty 502, and reports
/// itself degraded. The services' health is YARP's: an active probe of each service's /alive every
/// 2 seconds, and any request that could not reach it.
/// </summary>
public static class ServiceAvailability
{
    private static readonly Dictionary<string, string> ServiceNames = new(StringComparer.Ordinal)
    {
        ["scheme-registry"] = "方案登记服务",
        ["contribution-import"] = "缴费明细导入服务",
        ["calculation"] = "补助测算服务",
        ["document"] = "文书服务",
        ["identity"] = "身份认证服务",
        ["portal"] = "业务工作台",
    };

    public static string DisplayName(string cluster) =>
        ServiceNames.GetValueOrDefault(cluster, cluster);

    /// <summary>Proxy pipeline step: no reachable destination, or the request could not be sent to
    /// it, is a 503 with the reason.</summary>
    public static async Task AnswerUnavailable(HttpContext context, Func<Task> next)
    {
        var proxy = context.GetReverseProxyFeature();
        if (proxy.AvailableDestinations.Count == 0)
        {
            await WriteAsync(context, proxy.Cluster.Config.ClusterId);
            return;
        }
        await next();
        if (
            context.Features.Get<IForwarderErrorFeature>()
                is { Error: ForwarderError.Request or ForwarderError.NoAvailableDestinations }
            && !context.Response.HasStarted
        )
        {
            await WriteAsync(context, proxy.Cluster.Config.ClusterId);
        }
    }

    private static Task WriteAsync(HttpContext context, string cluster)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "5";
        return context.Response.WriteAsJsonAsync(
            new
            {
                title = "服务暂不可用",
                status = 503,
                detail = $"{DisplayName(cluster)}暂时不可用（正在恢复），请稍后重试。",
            },
            (System.Text.Json.JsonSerializerOptions?)null,
            "application/problem+json"
        );
    }
}

/// <summary>/health: degraded while any service behind the gateway has no reachable
/// instance.</summary>
public sealed class ProxiedServicesHealthCheck(IProxyStateLookup proxy) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default
    )
    {
        var down = proxy
            .GetClusters()
            .Where(Unreachable)
            .Select(c => ServiceAvailability.DisplayName(c.ClusterId))
            .ToList();
        return Task.FromResult(
            down.Count == 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Degraded($"暂不可用：{string.Join("、", down)}")
        );
    }

    private static bool Unreachable(ClusterState cluster) =>
        cluster.Destinations.Count > 0
        && cluster.DestinationsState.AvailableDestinations.Count == 0;
}
