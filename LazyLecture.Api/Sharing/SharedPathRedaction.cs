using LazyLecture.ServiceDefaults.Telemetry;

namespace LazyLecture.Api.Sharing;

/// <summary>
/// Request traces record the path (<c>url.path</c>); a share link's path holds its token, so for shared routes the trace
/// keeps the route template instead, and the token never reaches the telemetry the dashboard stores.
/// </summary>
public static class SharedPathRedaction
{
    public static IServiceCollection AddSharedPathRedaction(this IServiceCollection services) =>
        services.AddServedPathRedaction(SharedContentEndpoints.Prefix);
}
