namespace Subsidy.AppHost;

/// <summary>
/// The instances of one service (one, or two in the HA topology). Whatever calls the service is
/// told of every instance under the service's own name (service discovery's
/// <c>services__{name}__http__{n}</c>), so the gateway balances over them and a caller's retry
/// reaches another instance when one is gone.
/// </summary>
public sealed record ServiceInstances(
    string Name,
    IReadOnlyList<IResourceBuilder<ProjectResource>> Instances
)
{
    public ServiceInstances Each(Action<IResourceBuilder<ProjectResource>> configure)
    {
        foreach (var instance in Instances)
            configure(instance);
        return this;
    }

    public ServiceInstances WithEnvironment(string name, string value) =>
        Each(instance => instance.WithEnvironment(name, value));

    /// <summary>Every instance of this service knows every instance of <paramref name="other"/>
    /// and starts after them.</summary>
    public ServiceInstances WithReference(ServiceInstances other) =>
        Each(instance => other.ReferencedBy(instance, waitFor: false));

    public ServiceInstances WaitFor(ServiceInstances other) =>
        Each(instance => other.Each(o => instance.WaitFor(o)));

    /// <summary>Tells <paramref name="caller"/> where every instance listens (and, if asked,
    /// starts it after all of them).</summary>
    public void ReferencedBy<T>(IResourceBuilder<T> caller, bool waitFor)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        for (var i = 0; i < Instances.Count; i++)
        {
            caller.WithEnvironment(
                $"services__{Name}__http__{i}",
                Instances[i].GetEndpoint("http")
            );
            if (waitFor)
                caller.WaitFor(Instances[i]);
        }
    }
}
