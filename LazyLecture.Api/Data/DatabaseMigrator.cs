using Microsoft.EntityFrameworkCore;

namespace LazyLecture.Api.Data;

/// <summary>Applies pending EF Core migrations; run once per deployment by the AppHost's "migrations" step.</summary>
public static class DatabaseMigrator
{
    public const string Verb = "migrate";

    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseMigrator));
        await using var scope = app.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<LazyLectureDbContext>().Database;
        var pending = (await database.GetPendingMigrationsAsync()).ToList();
        logger.LogInformation("Applying {Count} pending migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
        // A PostgreSQL advisory lock inside Migrate keeps concurrent runners (several API replicas) from clashing.
        await database.MigrateAsync();
        logger.LogInformation("Database schema is up to date");
    }
}
