using System.Security.Claims;
using System.Threading.RateLimiting;
using Gateway.Proxy;
using MassTransit;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Messaging;

namespace Gateway;

internal static class GatewayServices
{
    public const string RateLimitPolicy = "per-caller";

    public static void AddGatewayServices(this WebApplicationBuilder builder)
    {
        builder.AddSubsidyAuthentication();
        builder
            .Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver();
        builder.Services.AddHealthChecks().AddCheck<ProxiedServicesHealthCheck>("services");

        // Disabled accounts: their unexpired tokens are refused here from the moment the identity
        // service says so.
        if (builder.Configuration.GetConnectionString("rabbitmq") is { Length: > 0 } broker)
        {
            builder.Services.AddMassTransit(bus =>
            {
                bus.SetEndpointNameFormatter(
                    new KebabCaseEndpointNameFormatter("gateway", includeNamespace: false)
                );
                bus.AddRevokedAccessConsumer();
                bus.UsingRabbitMq(
                    (context, rabbit) =>
                    {
                        BrokerAddress.Parse(broker).ConfigureHost(rabbit);
                        rabbit.ConfigureEndpoints(context);
                    }
                );
            });
        }

        var limits = new RateLimits(builder.Configuration);
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                var budget = limits.BudgetOf(
                    http.User,
                    http.Request.Path,
                    http.Connection.RemoteIpAddress?.ToString()
                );
                http.Response.Headers.RetryAfter = "10";
                http.Response.ContentType = "application/problem+json";
                await http.Response.WriteAsJsonAsync(
                    new
                    {
                        title = "请求过于频繁",
                        status = 429,
                        detail = $"{budget.Whose}每分钟最多 {budget.PermitsPerMinute} 次请求，请稍后再试。",
                    },
                    cancellationToken
                );
            };
            limiter.AddPolicy(RateLimitPolicy, http =>
            {
                var budget = limits.BudgetOf(
                    http.User,
                    http.Request.Path,
                    http.Connection.RemoteIpAddress?.ToString()
                );
                return RateLimitPartition.GetFixedWindowLimiter(
                    budget.Key,
                    _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = budget.PermitsPerMinute,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                    }
                );
            });
        });

        if (
            DevTokenIssuer.IsAllowedIn(builder.Environment)
            && !string.IsNullOrWhiteSpace(builder.Configuration["Auth:DevSigningKey"])
        )
        {
            builder.Services.AddSingleton(sp => new DevTokenIssuer(
                builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>()!,
                builder.Environment
            ));
        }
    }
}
