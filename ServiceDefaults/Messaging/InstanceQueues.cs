using MassTransit;

namespace Subsidy.ServiceDefaults.Messaging;

/// <summary>
/// Queues of this process's own (deleted when it stops): a listener every instance must hear, not
/// one of a service's competing consumers — revocations, and the answers to its start-up requests.
/// They share one instance id, which also tells them apart from the service's shared queues (the
/// queue-depth gauges measure only those).
/// </summary>
public static class InstanceQueues
{
    public static readonly string InstanceId = Guid.NewGuid().ToString("N")[..12];

    public static void OnInstanceQueue(this IEndpointRegistrationConfigurator endpoint)
    {
        endpoint.Temporary = true;
        endpoint.InstanceId = InstanceId;
    }

    public static bool IsInstanceQueue(string name) =>
        name.Contains(InstanceId, StringComparison.Ordinal);
}
