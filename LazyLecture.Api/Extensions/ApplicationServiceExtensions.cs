using System.Text.Json;
using System.Text.Json.Serialization;
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
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            // The original's wire format: snake_case names and enum values (in_progress, can_interact).
            json.SerializerOptions.PropertyNamingPolicy = ApiNamingPolicy.Instance;
            // Names only: a number such as {"role": 123} would otherwise be stored as an enum value that does not exist.
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        });
        builder.Services.AddProblemDetails(ProblemDetailsDefaults.Configure);
        // Binding failures reach the one exception handler in every environment, explained without .NET type names.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer<SecuritySchemeTransformer>());
        return builder;
    }

    /// <summary>snake_case, except Problem Details' <c>traceId</c>, whose spelling clients and tools expect as is.</summary>
    private sealed class ApiNamingPolicy : JsonNamingPolicy
    {
        public static readonly ApiNamingPolicy Instance = new();

        public override string ConvertName(string name) => name == "traceId" ? name : SnakeCaseLower.ConvertName(name);
    }
}
