using Identity.Data;
using Identity.Keys;

namespace Identity.Seeding;

internal static class Startup
{
    /// <summary>Loads (or makes, the first time) the token keys, then registers the portal and any demo accounts.</summary>
    public static async Task PrepareAsync(this WebApplication app)
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await app.Services.GetRequiredService<KeyRing>().LoadAsync(scope.ServiceProvider.GetRequiredService<IdentityDb>(), CancellationToken.None);
        }
        await Seeder.SeedAsync(app.Services, app.Services.GetRequiredService<IdentitySettings>(), app.Environment,
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Identity"), CancellationToken.None);
    }
}
