using Identity.Data;
using Identity.Keys;

namespace Identity.Seeding;

internal static class Startup
{
    /// <summary>Loads (or makes, the first time) the token keys, then registers the portal and any
    /// demo accounts.</summary>
    public static async Task PrepareAsync(this WebApplication app)
    {
        // A deployment that keeps the keys as a secret of its own (Kubernetes) names their folder;
        // otherwise they live in the database.
        if (app.Configuration["Identity:KeysDirectory"] is { Length: > 0 } keysDirectory)
        {
            app.Services.GetRequiredService<KeyRing>().LoadFrom(keysDirectory);
        }
        else
        {
            await using var scope = app.Services.CreateAsyncScope();
            await app
                .Services.GetRequiredService<KeyRing>()
                .LoadAsync(
                    scope.ServiceProvider.GetRequiredService<IdentityDb>(),
                    CancellationToken.None
                );
        }
        await Seeder.SeedAsync(
            app.Services,
            app.Services.GetRequiredService<IdentitySettings>(),
            app.Environment,
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Identity"),
            CancellationToken.None
        );
    }
}
