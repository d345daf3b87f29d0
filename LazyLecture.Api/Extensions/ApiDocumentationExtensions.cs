using Scalar.AspNetCore;

namespace LazyLecture.Api.Extensions;

public static class ApiDocumentationExtensions
{
    /// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and Scalar's reference page at <c>/scalar</c>.</summary>
    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference(options => options.WithTitle("LazyLecture API"));
        return app;
    }
}
