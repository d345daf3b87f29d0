using LazyLecture.Contracts;
using Microsoft.EntityFrameworkCore;

namespace LazyLecture.Api.Data;

public static class DbContextRegistration
{
    /// <summary>
    /// The database through Aspire's Npgsql EF Core integration (pooling, health check, traces and metrics), with our
    /// naming: snake_case tables and columns and the original's migrations history table. Shared by the API and the
    /// migrations service so both see the same model.
    /// </summary>
    public static IHostApplicationBuilder AddLazyLectureDbContext(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<LazyLectureDbContext>(
            ResourceNames.Database,
            // EF Core's retrying strategy refuses user-initiated transactions, and the upload, the outbox and the worker
            // routes each commit several rows in one: failures surface to their own retry loops (outbox back-off,
            // the worker's redelivery, the client's request) instead.
            settings => settings.DisableRetry = true,
            options => options
                .UseNpgsql(npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
                .UseSnakeCaseNamingConvention());
        return builder;
    }
}
