using LazyLecture.ServiceDefaults.Security;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace LazyLecture.Api.Security;

/// <summary>Security headers on every answer, CORS only for configured origins, and a body size limit for every route.</summary>
public static class HttpSecurityExtensions
{
    /// <summary>The API's only HTML (its reference page) loads its own scripts and styles: only framing is forbidden.</summary>
    public const string PagePolicy = "frame-ancestors 'none'";

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
        app.UseSecurityHeaders(PagePolicy);
        app.UseCors();
        return app;
    }
}
