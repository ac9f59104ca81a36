namespace Subsidy.EndToEndTests;

/// <summary>Polls until a condition holds: asynchronous effects (events, relays) arrive a little
/// later.</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(
        Func<Task<T?>> probe,
        string what,
        TimeSpan? timeout = null
    )
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            if (await probe() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out waiting for {what}");
            await Task.Delay(300);
        }
    }

    public static async Task TrueAsync(
        Func<Task<bool>> probe,
        string what,
        TimeSpan? timeout = null
    ) => await GetAsync<object>(async () => await probe() ? new object() : null, what, timeout);
}
