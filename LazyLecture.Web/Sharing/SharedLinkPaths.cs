using LazyLecture.ServiceDefaults.Telemetry;

namespace LazyLecture.Web.Sharing;

/// <summary>
/// Where a share link opens in the web app (<c>/shared/{token}</c>, and a lecture of a shared course under it), and that
/// those answers are not indexed; the token stays out of logs and traces.
/// </summary>
public static class SharedLinkPaths
{
    public const string Prefix = "/shared";

    public static string Of(string token) => $"{Prefix}/{Uri.EscapeDataString(token)}";

    public static string LectureOf(string token, int lectureId) => $"{Of(token)}/lectures/{lectureId}";

    public static IServiceCollection AddSharedLinks(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<SharedLinkApi>();
        var api = new Uri($"https+http://{Contracts.ResourceNames.Api}");
        // No request-line logs: the path holds the token.
        services.AddHttpClient(SharedLinkApi.Client, http => http.BaseAddress = api).RemoveAllLoggers();
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way to opt one client out.
        services.AddHttpClient(SharedLinkApi.StreamingClient, http =>
        {
            http.BaseAddress = api;
            http.Timeout = Timeout.InfiniteTimeSpan;
        }).RemoveAllResilienceHandlers().RemoveAllLoggers();
#pragma warning restore EXTEXP0001
        services.AddServedPathRedaction(Prefix);
        services.AddSentPathRedaction(SharedLinkApi.ApiPrefix);
        return services;
    }

    public static IApplicationBuilder UseSharedLinkHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            // Referrer-Policy: no-referrer and Cache-Control: no-store come with every answer (UseSecurityHeaders).
            if (context.Request.Path.StartsWithSegments(Prefix, StringComparison.Ordinal))
            {
                context.Response.Headers["X-Robots-Tag"] = "noindex, nofollow";
            }

            await next(context);
        });
}
