using LazyLecture.Api.Data;
using LazyLecture.Contracts;
using LazyLecture.MigrationService;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace LazyLecture.Tests.Infrastructure.InProcess;

/// <summary>
/// The in-process API's own database: created once per run on the shared test application's PostgreSQL server, beside
/// that application's database, and migrated by the MigrationService's own worker, as the AppHost does before the API starts.
/// </summary>
public static class InProcessDatabase
{
    public const string Name = "lazylecture_inprocess";

    /// <summary>
    /// Where the in-process database's transcription ids start. Both APIs publish jobs to the one shared broker and its one
    /// job queue: ids far from the shared application's keep a queue probe of one from taking the other's messages.
    /// </summary>
    public const int FirstTranscriptionId = 1_000_000;

    private static readonly Lock Creating = new();
    private static Task<string>? _created;

    /// <summary>The connection string of the migrated database, created by the first call (whose outcome every caller shares).</summary>
    public static Task<string> EnsureCreatedAsync(AppHostFixture shared)
    {
        lock (Creating)
        {
            // Not the first caller's cancellation: the database outlives the test class that happened to ask first.
            return _created ??= CreateAsync(shared, CancellationToken.None);
        }
    }

    private static async Task<string> CreateAsync(AppHostFixture shared, CancellationToken cancellationToken)
    {
        var server = new NpgsqlConnectionStringBuilder(shared.DatabaseConnectionString);
        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            await admin.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {Name}", admin);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var database = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = Name }.ConnectionString;
        await MigrateAsync(database, cancellationToken);

        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync(cancellationToken);
            await using var restart = new NpgsqlCommand($"ALTER TABLE transcriptions ALTER COLUMN id RESTART WITH {FirstTranscriptionId}", connection);
            await restart.ExecuteNonQueryAsync(cancellationToken);
        }

        return database;
    }

    /// <summary>Runs the MigrationService's worker against the database, as its process does, and checks that nothing is left pending.</summary>
    private static async Task MigrateAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration[$"ConnectionStrings:{ResourceNames.Database}"] = connectionString;
        builder.AddLazyLectureDbContext();
        builder.Services.AddHostedService<DatabaseMigrationWorker>();
        using (var host = builder.Build())
        {
            // The worker stops the host once it has migrated; the host's services stay usable until it is disposed.
            await host.StartAsync(cancellationToken);
            await host.WaitForShutdownAsync(cancellationToken);

            await using var scope = host.Services.CreateAsyncScope();
            var pending = await scope.ServiceProvider.GetRequiredService<LazyLectureDbContext>().Database.GetPendingMigrationsAsync(cancellationToken);
            if (pending.Any())
            {
                throw new InvalidOperationException($"The in-process database was not migrated: {string.Join(", ", pending)} still pending.");
            }
        }
    }
}
