using Microsoft.AspNetCore.Builder;
using LazyLecture.ServiceDefaults.Routing;
using LazyLecture.ServiceDefaults.Security;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every LazyLecture service shares, as Aspire's ServiceDefaults project: OpenTelemetry, health checks,
/// service discovery and resilient HttpClients. Services call <c>builder.AddServiceDefaults()</c> and <c>app.MapDefaultEndpoints()</c>.
/// </summary>
public static class Extensions
{
    public const string LivenessPath = "/health/live";
    public const string ReadinessPath = "/health/ready";

    /// <summary>Health checks with this tag take part in liveness; every check takes part in readiness.</summary>
    public const string LiveTag = "live";

    /// <summary>Prefix of the activity sources and meters of our own code, all exported.</summary>
    public const string TelemetryPrefix = "LazyLecture.";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddTrustedProxies();
        builder.AddPlainIntegerRoutes();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // POST is not idempotent (a worker's processing_error report counts an error): a retry after a lost
            // response would apply it twice, so only the other methods are retried; a failed POST surfaces to the caller.
            http.AddStandardResilienceHandler(options => options.Retry.DisableFor(HttpMethod.Post));
            http.AddServiceDiscovery();
        });
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        // ASP.NET Core's hosting logger opens a scope with every request's path around everything logged while serving
        // it, and exports scopes with each log record: a share link's path holds its token, which would then reach the
        // dashboard's logs on every line of a shared request (traces redact it, see SecretPathRedaction). Without this
        // category the scope is not opened at all (it is only when the category logs) and its "Request starting <path>"
        // lines go too; the traces keep each request, its redacted path and its timing.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(TelemetryPrefix + "*"))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(TelemetryPrefix + "*")
                .AddAspNetCoreInstrumentation(options =>
                    // Health probes every second would drown the real traffic.
                    options.Filter = context => !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
                .AddHttpClientInstrumentation());

        builder.AddOpenTelemetryExporters();

        return builder;
    }

    /// <summary>Exports over OTLP only when an endpoint is configured: the AppHost points it at the Aspire dashboard.</summary>
    private static TBuilder AddOpenTelemetryExporters<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>Liveness (<c>/health/live</c>: the process answers) and readiness (<c>/health/ready</c>: every dependency answers; 503 otherwise).</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(ReadinessPath).DisableHttpMetrics();
        app.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) }).DisableHttpMetrics();
        return app;
    }
}
