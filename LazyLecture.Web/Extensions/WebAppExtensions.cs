using LazyLecture.Contracts;
using LazyLecture.Web.Api;
using LazyLecture.Web.Sessions;
using LazyLecture.Web.Sharing;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;

namespace LazyLecture.Web.Extensions;

public static class WebAppExtensions
{
    /// <summary>
    /// The pages' Content-Security-Policy: scripts only from this site (Blazor's interactive server rendering needs no
    /// inline script or eval; its circuit is a same-origin WebSocket), inline styles for the attributes Blazor sets.
    /// </summary>
    public const string PagePolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; media-src 'self'; "
        + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IHostApplicationBuilder AddWebApp(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents();

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(options =>
        {
            options.Cookie.Name = "lazylecture.session";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            // Secure whenever the browser's request came over HTTPS (directly, or as a trusted proxy says: X-Forwarded-Proto).
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.LoginPath = "/account/login";
            options.AccessDeniedPath = "/not-found";
            options.ExpireTimeSpan = TokenSessionStore.Lifetime;
            // The audio player and downloads are not pages: they get a plain 401, not the sign-in page.
            options.Events.OnRedirectToLogin = context =>
            {
                if (context.Request.Path.StartsWithSegments("/media", StringComparison.Ordinal))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                }
                else
                {
                    context.Response.Redirect(context.RedirectUri);
                }

                return Task.CompletedTask;
            };
            // A cookie whose session is gone (signed out, web app restarted, tokens revoked) no longer signs anyone in.
            options.Events.OnValidatePrincipal = context =>
            {
                var sessions = context.HttpContext.RequestServices.GetRequiredService<TokenSessionStore>();
                if (context.Principal is null || sessions.Find(SessionClaims.SessionIdOf(context.Principal)) is null)
                {
                    context.RejectPrincipal();
                }

                return Task.CompletedTask;
            };
        });
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, SessionRevalidatingStateProvider>();

        services.AddSingleton<TokenSessionStore>();
        services.AddScoped<SessionContext>();
        services.AddScoped<LectureApi>();
        services.AddSharedLinks();
        var api = new Uri($"https+http://{ResourceNames.Api}");
        services.AddHttpClient(LectureApi.Client, http => http.BaseAddress = api);
        // Streams last as long as a job or an upload: the defaults' total timeout would cut them, a retry would resend them.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way to opt one client out.
        services.AddHttpClient(LectureApi.StreamingClient, http =>
        {
            http.BaseAddress = api;
            http.Timeout = Timeout.InfiniteTimeSpan;
        }).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }
}
