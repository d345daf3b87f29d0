using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Instrumentation.Http;

namespace LazyLecture.ServiceDefaults.Telemetry;

/// <summary>
/// Traces record request paths (<c>url.path</c> of a request served, <c>url.full</c> of a request sent). A path under
/// <paramref name="prefix"/> holds a secret (a share link's token): the trace keeps <c>{prefix}/{token}</c> instead, and
/// drops the query, so the secret never reaches the telemetry the dashboard stores.
/// </summary>
public static class SecretPathRedaction
{
    public static string Redacted(string prefix) => prefix + "/{token}";

    /// <summary>Requests this service serves under <paramref name="prefix"/>.</summary>
    public static IServiceCollection AddServedPathRedaction(this IServiceCollection services, string prefix) =>
        services.Configure<AspNetCoreTraceInstrumentationOptions>(options =>
        {
            var earlier = options.EnrichWithHttpRequest;
            options.EnrichWithHttpRequest = (activity, request) =>
            {
                earlier?.Invoke(activity, request);
                if (request.Path.StartsWithSegments(prefix, StringComparison.Ordinal))
                {
                    activity.SetTag("url.path", Redacted(prefix));
                    activity.SetTag("url.query", null);
                }
            };
        });

    /// <summary>Requests this service sends under <paramref name="prefix"/> (to another service's secret-bearing routes).</summary>
    public static IServiceCollection AddSentPathRedaction(this IServiceCollection services, string prefix) =>
        services.Configure<HttpClientTraceInstrumentationOptions>(options =>
        {
            var earlier = options.EnrichWithHttpRequestMessage;
            options.EnrichWithHttpRequestMessage = (activity, request) =>
            {
                earlier?.Invoke(activity, request);
                if (request.RequestUri is { IsAbsoluteUri: true } uri && new PathString(uri.AbsolutePath).StartsWithSegments(prefix, StringComparison.Ordinal))
                {
                    activity.SetTag("url.full", $"{uri.GetLeftPart(UriPartial.Authority)}{Redacted(prefix)}");
                }
            };
        });
}
