using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Subsidy.ServiceData.Telemetry;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Messaging;
using Subsidy.ServiceDefaults.Telemetry;

namespace Subsidy.ServiceData.Messaging;

/// <summary>The broker the service's bus uses, for what talks to it beside the bus (the operator's
/// return of a dead letter).</summary>
public sealed record BrokerAddress(string Uri);

public static class MessagingExtensions
{
    /// <summary>
    /// Enumerations travel as the APIs write them (kebab-case words: "village",
    /// "poverty-monitoring"), not as numbers, so events and APIs share one spelling; numbers in
    /// messages written before still read.
    /// </summary>
    public static void UseSubsidyJson(this IBusFactoryConfigurator bus) =>
        bus.ConfigureJsonSerializerOptions(options =>
        {
            options.Converters.Add(
                new System.Text.Json.Serialization.JsonStringEnumConverter(
                    System.Text.Json.JsonNamingPolicy.KebabCaseLower
                )
            );
            return options;
        });

    public const string BrokerConnectionName = "rabbitmq";

    /// <summary>
    /// MassTransit over RabbitMQ with kebab-case endpoint names prefixed by the service (so two
    /// services' consumers of one event get a queue each), plus the outbox relay and the gauges of
    /// the service's queues.
    /// </summary>
    public static TBuilder AddMessaging<TBuilder>(
        this TBuilder builder,
        string serviceName,
        Action<IBusRegistrationConfigurator>? configureConsumers = null
    )
        where TBuilder : IHostApplicationBuilder
    {
        var broker = builder.Configuration.GetConnectionString(BrokerConnectionName)
            ?? throw new InvalidOperationException(
                $"缺少消息队列连接配置 ConnectionStrings:{BrokerConnectionName}。"
            );

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(
                new KebabCaseEndpointNameFormatter(serviceName, includeNamespace: false)
            );
            configureConsumers?.Invoke(bus);
            bus.AddRevokedAccessConsumer();
            var queues = new ConsumedQueues();
            builder.Services.AddSingleton(queues);
            // An instance's own queues are exclusive to its connection: not ones to measure from
            // another.
            bus.AddConfigureEndpointsCallback(
                (name, _) =>
                {
                    if (!InstanceQueues.IsInstanceQueue(name))
                        queues.Add(name);
                }
            );
            bus.UsingRabbitMq(
                (context, rabbit) =>
                {
                    rabbit.Host(new Uri(broker));
                    rabbit.UseSubsidyJson();
                    rabbit.ConfigureEndpoints(context);
                }
            );
        });
        builder.Services.AddBusinessGauges();
        builder.Services.AddHostedService(sp => new QueueDepths(
            sp.GetRequiredService<ConsumedQueues>(),
            broker,
            serviceName,
            sp.GetService<Npgsql.NpgsqlDataSource>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<QueueDepths>>()
        ));
        builder.Services.AddSingleton(new BrokerAddress(broker));
        builder.Services.AddSingleton<OutboxRelay>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay>());
        return builder;
    }
}
