using OpenTelemetry.Instrumentation.AspNetCore;

namespace LazyLecture.Api.Sharing;

/// <summary>
/// Request traces record the path (<c>url.path</c>); a share link's path holds its token, so for shared routes the trace
/// keeps the route template instead, and the token never reaches the telemetry the dashboard stores.
/// </summary>
public static class SharedPathRedaction
{
    public const string RedactedPath = SharedContentEndpoints.Prefix + "/{token}";

    public static IServiceCollection AddSharedPathRedaction(this IServiceCollection services) =>
        services.Configure<AspNetCoreTraceInstrumentationOptions>(options =>
        {
            var earlier = options.EnrichWithHttpRequest;
            options.EnrichWithHttpRequest = (activity, request) =>
            {
                earlier?.Invoke(activity, request);
                if (request.Path.StartsWithSegments(SharedContentEndpoints.Prefix, StringComparison.Ordinal))
                {
                    activity.SetTag("url.path", RedactedPath);
                    activity.SetTag("url.query", null);
                }
            };
        });
}
