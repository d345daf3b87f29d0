using LazyLecture.Api.Data;
using LazyLecture.Api.Errors;
using LazyLecture.Contracts;
using LazyLecture.ServiceDefaults.Clients;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LazyLecture.Api.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>Everything the API needs besides the service defaults: data, messaging, errors, OpenAPI.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource(ResourceNames.Database);
        builder.Services.AddDbContext<LazyLectureDbContext>((services, options) => options
            .UseNpgsql(services.GetRequiredService<NpgsqlDataSource>(), npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention());

        // The migrate verb needs only the database; the broker may not even be up yet.
        if (!IsMigrationRun(builder))
        {
            builder.AddRabbitMQClient(ResourceNames.RabbitMq);
        }

        builder.Services.AddProblemDetails(ProblemDetailsDefaults.Configure);
        builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        builder.Services.AddOpenApi();
        return builder;
    }

    private static bool IsMigrationRun(IHostApplicationBuilder builder) =>
        Environment.GetCommandLineArgs().Skip(1).FirstOrDefault() == DatabaseMigrator.Verb;
}
