using LazyLecture.Contracts;
using LazyLecture.Web.Api;
using LazyLecture.Web.Sessions;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.HttpOverrides;

namespace LazyLecture.Web.Extensions;

public static class WebAppExtensions
{
    public static IHostApplicationBuilder AddWebApp(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents();
        // Behind a reverse proxy, the browser's address (passed on to the API's per-address limits) is in X-Forwarded-For.
        services.Configure<ForwardedHeadersOptions>(options => options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(options =>
        {
            options.Cookie.Name = "lazylecture.session";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
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
