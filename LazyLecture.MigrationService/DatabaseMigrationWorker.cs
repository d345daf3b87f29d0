using System.Diagnostics;
using LazyLecture.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace LazyLecture.MigrationService;

/// <summary>
/// Applies pending migrations once and stops the host: the AppHost starts the API and the workers only after this
/// resource has finished with exit code 0, so no replica ever runs against an older schema.
/// </summary>
public sealed class DatabaseMigrationWorker(
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    ILogger<DatabaseMigrationWorker> logger) : BackgroundService
{
    public static readonly ActivitySource Activities = new("LazyLecture.MigrationService");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var activity = Activities.StartActivity("migrate database");
        try
        {
            await using var scope = services.CreateAsyncScope();
            var database = scope.ServiceProvider.GetRequiredService<LazyLectureDbContext>().Database;
            var pending = (await database.GetPendingMigrationsAsync(stoppingToken)).ToList();
            logger.LogInformation("Applying {Count} pending migration(s): {Migrations}", pending.Count, string.Join(", ", pending));

            // Migrate takes a PostgreSQL advisory lock, so two runners (two AppHosts on one database) never clash.
            await database.MigrateAsync(stoppingToken);
            logger.LogInformation("Database schema is up to date");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            activity?.AddException(ex);
            logger.LogError(ex, "Applying the migrations failed");
            Environment.ExitCode = 1;
        }

        lifetime.StopApplication();
    }
}
