using LazyLecture.Api.Auth;
using LazyLecture.Api.Data;
using LazyLecture.Api.Errors;
using LazyLecture.Api.OpenAi;
using LazyLecture.Contracts;

namespace LazyLecture.Api.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>Everything the API needs besides the service defaults: data, messaging, errors, OpenAPI.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddLazyLectureDbContext();

        // The live-event listener holds its own LISTEN connection; the DbContext's integration already checks health.
        builder.AddNpgsqlDataSource(ResourceNames.Database, settings => settings.DisableHealthChecks = true);
        builder.AddRabbitMQClient(ResourceNames.RabbitMq);

        builder.AddAuth();
        builder.AddTranscriptions();
        builder.AddCourses();
        builder.AddOpenAiCompatibility();
        // The original's wire format (snake_case names and enum values), as every other process writes it.
        builder.Services.ConfigureHttpJsonOptions(json => WireJson.Configure(json.SerializerOptions));
        builder.Services.AddProblemDetails(ProblemDetailsDefaults.Configure);
        // Binding failures reach the one exception handler in every environment, explained without .NET type names.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer<SecuritySchemeTransformer>());
        return builder;
    }
}
