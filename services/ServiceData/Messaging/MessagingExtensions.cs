using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Subsidy.ServiceData.Telemetry;
using Subsidy.ServiceDefaults.Auth;
using Subsidy.ServiceDefaults.Messaging;
using Subsidy.ServiceDefaults.Resilience;
using Subsidy.ServiceDefaults.Telemetry;

namespace Subsidy.ServiceData.Messaging;

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
    /// Every consumer of every endpoint outlasts a database failover: a message whose unit of work
    /// lost the database is tried again every few seconds for two minutes (a promotion takes
    /// seconds to half a minute), then it is an ordinary failure.
    /// </summary>
    public static void UseDatabaseFailoverRetry(this IBusFactoryConfigurator bus) =>
        bus.UseMessageRetry(retry =>
        {
            retry.Handle<Exception>(DatabaseFailover.IsUnavailable);
            retry.Interval(40, TimeSpan.FromSeconds(3));
        });

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
        var broker = BrokerAddress.Parse(
            builder.Configuration.GetConnectionString(BrokerConnectionName)
                ?? throw new InvalidOperationException(
                    $"缺少消息队列连接配置 ConnectionStrings:{BrokerConnectionName}。"
                )
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
            // On a cluster every shared queue is a quorum queue on all three nodes, so losing a
            // node loses no message and stops no consumer; an instance's own queues die with it
            // and stay classic.
            bus.AddConfigureEndpointsCallback(
                (name, endpoint) =>
                {
                    if (InstanceQueues.IsInstanceQueue(name))
                        return;
                    queues.Add(name);
                    if (broker.IsCluster && endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                        rabbit.SetQuorumQueue(broker.Nodes.Count);
                }
            );
            bus.UsingRabbitMq(
                (context, rabbit) =>
                {
                    broker.ConfigureHost(rabbit);
                    rabbit.UseSubsidyJson();
                    rabbit.UseDatabaseFailoverRetry();
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
        builder.Services.AddSingleton(broker);
        builder.Services.AddSingleton<OutboxRelay>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay>());
        return builder;
    }
}
