using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Subsidy.Contracts;
using Subsidy.ServiceDefaults.Messaging;

namespace Subsidy.ServiceDefaults.Auth;

/// <summary>
/// Accounts whose access was taken away (disabled, password reset, role or scope changed) in the
/// last few minutes: their access tokens issued before that moment are refused here although their
/// signature and lifetime are fine. Every gateway and service instance keeps its own copy from the
/// identity service's <see cref="AccountAccessRevoked"/> events, on a queue of its own, and asks
/// for the recent ones when it starts.
/// </summary>
public sealed class RevokedAccess(TimeProvider time)
{
    /// <summary>Longer than any access token lives (10 minutes) plus the validation's clock
    /// skew.</summary>
    public static readonly TimeSpan Remembered = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _revoked = new(
        StringComparer.Ordinal
    );

    public void Revoke(string subject, DateTimeOffset at)
    {
        _revoked.AddOrUpdate(subject, at, (_, earlier) => at > earlier ? at : earlier);
        var forgotten = time.GetUtcNow() - Remembered;
        foreach (var entry in _revoked)
        {
            if (entry.Value < forgotten)
                _revoked.TryRemove(entry);
        }
    }

    /// <summary>A token issued at or before the revocation (to the second, as "iat" is) is
    /// refused.</summary>
    public bool IsRevoked(string subject, DateTimeOffset issuedAt) =>
        _revoked.TryGetValue(subject, out var at) && issuedAt <= at;
}

public sealed class AccountAccessRevokedConsumer(RevokedAccess revoked)
    : IConsumer<AccountAccessRevoked>
{
    public Task Consume(ConsumeContext<AccountAccessRevoked> context)
    {
        revoked.Revoke(context.Message.Subject, context.Message.RevokedAt);
        return Task.CompletedTask;
    }
}

public static class RevokedAccessExtensions
{
    /// <summary>The revocation listener on a queue of this instance's own (deleted when it stops),
    /// and the catch-up request at start.</summary>
    public static void AddRevokedAccessConsumer(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<AccountAccessRevokedConsumer>()
            .Endpoint(endpoint => endpoint.OnInstanceQueue());
        bus.AddConsumer<AccountRevocationsResyncAnsweredConsumer>()
            .Endpoint(endpoint => endpoint.OnInstanceQueue());
        bus.TryAddSingleton(TimeProvider.System);
        bus.TryAddSingleton<RevokedAccess>();
        bus.TryAddSingleton<StartupRequests>();
        bus.AddHostedService<RevocationsResyncOnStart>();
    }
}

/// <summary>Asks the identity service for the recent revocations once the bus is healthy, and again
/// until it answers.</summary>
internal sealed class RevocationsResyncOnStart(IBusControl bus, StartupRequests requests)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        requests.SendUntilAnsweredAsync(
            "近期停用账号",
            bus,
            (requestId, cancellationToken) =>
                bus.Publish(
                    new AccountRevocationsResyncRequested(DateTimeOffset.UtcNow, requestId),
                    cancellationToken
                ),
            stoppingToken
        );
}

public sealed class AccountRevocationsResyncAnsweredConsumer(StartupRequests requests)
    : IConsumer<AccountRevocationsResyncAnswered>
{
    public Task Consume(ConsumeContext<AccountRevocationsResyncAnswered> context)
    {
        requests.Answered(context.Message.RequestId);
        return Task.CompletedTask;
    }
}
