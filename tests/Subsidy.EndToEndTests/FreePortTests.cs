using Subsidy.AppHost;

namespace Subsidy.EndToEndTests;

/// <summary>The ports the AppHost hands to services and infrastructure: free when asked for, and
/// never the same twice, though the operating system gives a released port again readily.</summary>
public class FreePortTests
{
    [Fact]
    public void A_thousand_ports_asked_for_in_a_row_are_all_different()
    {
        var ports = Enumerable
            .Range(0, 1000)
            .Select(_ => InfrastructureExtensions.FreePort())
            .ToList();
        Assert.Equal(ports.Count, ports.Distinct().Count());
    }
}
