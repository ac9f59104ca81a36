using Dapper;
using Identity.Data;
using Identity.Keys;

namespace Identity.Seeding;

internal static class Startup
{
    /// <summary>Loads (or makes, the first time) the token keys, then registers the portal and any
    /// demo accounts.</summary>
    public static async Task PrepareAsync(this WebApplication app)
    {
        // Instances starting together make the first keys, the portal's registration and the demo
        // accounts once: the next waits, then finds them made.
        var database = app.Services.GetRequiredService<Subsidy.ServiceData.ServiceDatabase>();
        await using var startLock = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await startLock.OpenAsync();
        await startLock.ExecuteAsync(LockSql);
        try
        {
            await PrepareAloneAsync(app);
        }
        finally
        {
            await startLock.ExecuteAsync(UnlockSql);
        }
    }

    private const string LockSql = "SELECT pg_advisory_lock(7220033)";
    private const string UnlockSql = "SELECT pg_advisory_unlock(7220033)";

    private static async Task PrepareAloneAsync(WebApplication app)
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
