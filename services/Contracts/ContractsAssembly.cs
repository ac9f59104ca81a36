namespace Subsidy.Contracts;

/// <summary>Anchor for finding message types by name (the outbox stores type names, not assemblies).</summary>
public static class ContractsAssembly
{
    public static Type? FindMessageType(string fullName) => typeof(ContractsAssembly).Assembly.GetType(fullName, throwOnError: false);
}
