using Subsidy.ServiceDefaults.Messaging;

namespace Subsidy.UnitTests.ServiceDefaults;

public class StartupRequestsTests
{
    [Fact]
    public void Each_wait_for_an_answer_is_twice_the_last_up_to_two_minutes()
    {
        var waits = new List<TimeSpan> { TimeSpan.FromSeconds(15) };
        for (var i = 0; i < 6; i++)
            waits.Add(StartupRequests.NextWait(waits[^1]));

        Assert.Equal([15, 30, 60, 120, 120, 120, 120], waits.Select(w => w.TotalSeconds));
    }
}
