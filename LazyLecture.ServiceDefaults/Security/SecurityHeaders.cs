using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace LazyLecture.ServiceDefaults.Security;

/// <summary>
/// The headers every answer of the API and the web app carries. They are set as the answer starts, so redirects and error
/// pages written later get them too; a Content-Security-Policy or Cache-Control an endpoint set itself is kept.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>What a non-HTML answer may load: nothing. It is data, never a page.</summary>
    public const string DataPolicy = "default-src 'none'; frame-ancestors 'none'";

    /// <param name="pagePolicy">The Content-Security-Policy of the service's HTML pages.</param>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, string pagePolicy) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() => Apply(context.Response, pagePolicy));
            return next(context);
        });

    private static Task Apply(HttpResponse response, string pagePolicy)
    {
        var headers = response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        if (!headers.ContainsKey(HeaderNames.ContentSecurityPolicy))
        {
            headers.ContentSecurityPolicy = response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true ? pagePolicy : DataPolicy;
        }

        // Answers hold tokens and people's transcripts: no shared or browser cache keeps them (RFC 6749 §5.1 for tokens).
        if (!headers.ContainsKey(HeaderNames.CacheControl))
        {
            headers.CacheControl = "no-store";
        }

        return Task.CompletedTask;
    }
}
