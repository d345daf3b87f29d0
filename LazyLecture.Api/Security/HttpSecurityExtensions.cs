using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace LazyLecture.Api.Security;

/// <summary>Security headers on every answer, CORS only for configured origins, and a body size limit for every route.</summary>
public static class HttpSecurityExtensions
{
    public static IHostApplicationBuilder AddHttpSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HttpSecurityOptions>().BindConfiguration(HttpSecurityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddCors();
        builder.Services.AddOptions<CorsOptions>().Configure<IOptions<HttpSecurityOptions>>((cors, security) =>
        {
            // No policy at all unless origins are configured: then no preflight succeeds and no CORS header is sent.
            if (security.Value.AllowedOrigins is { Length: > 0 } origins)
            {
                cors.AddDefaultPolicy(policy => policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod()
                    .WithExposedHeaders(HeaderNames.Location, HeaderNames.RetryAfter, HeaderNames.ContentDisposition));
            }
        });
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<HttpSecurityOptions>>((kestrel, security) =>
            kestrel.Limits.MaxRequestBodySize = security.Value.MaxRequestBodyBytes);
        return builder;
    }

    public static WebApplication UseHttpSecurity(this WebApplication app)
    {
        app.Use(static (context, next) =>
        {
            context.Response.OnStarting(SecurityHeaders.Apply, context);
            return next(context);
        });
        app.UseCors();
        return app;
    }
}

/// <summary>The headers every answer carries (set as the answer starts, so error pages written later get them too).</summary>
public static class SecurityHeaders
{
    /// <summary>What a non-HTML answer may load: nothing. It is data, never a page.</summary>
    public const string DataPolicy = "default-src 'none'; frame-ancestors 'none'";

    /// <summary>HTML (the API reference page loads its own scripts and styles): only framing is forbidden.</summary>
    public const string PagePolicy = "frame-ancestors 'none'";

    public static Task Apply(object state)
    {
        var response = ((HttpContext)state).Response;
        var headers = response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        if (!headers.ContainsKey(HeaderNames.ContentSecurityPolicy))
        {
            headers.ContentSecurityPolicy = response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true ? PagePolicy : DataPolicy;
        }

        // Answers hold tokens and people's transcripts: no shared or browser cache keeps them (RFC 6749 §5.1 for tokens).
        if (!headers.ContainsKey(HeaderNames.CacheControl))
        {
            headers.CacheControl = "no-store";
        }

        return Task.CompletedTask;
    }
}
