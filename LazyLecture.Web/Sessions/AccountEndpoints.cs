using System.Security.Claims;
using LazyLecture.Web.Api;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;

namespace LazyLecture.Web.Sessions;

/// <summary>Starting and ending a session: the cookie is issued and removed here; the tokens stay in <see cref="TokenSessionStore"/>.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // A form post (antiforgery-checked), so no other site can sign a user out.
        app.MapPost("/account/logout", async Task<IResult> (HttpContext http, IAntiforgery antiforgery, LectureApi api, AuthenticationStateProvider state, TokenSessionStore sessions) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return TypedResults.BadRequest();
            }

            if (sessions.Find(SessionClaims.SessionIdOf(http.User)) is { } session)
            {
                ((IHostEnvironmentAuthenticationStateProvider)state).SetAuthenticationState(Task.FromResult(new AuthenticationState(http.User)));
                try
                {
                    await api.LogoutAsync(http.RequestAborted); // revokes the tokens at the API, not only here
                }
                catch (Exception ex) when (ex is SessionEndedException or ApiProblemException or HttpRequestException)
                {
                    // Already revoked, or the API is unreachable: the session is forgotten here all the same.
                }

                sessions.Remove(session.Id);
            }

            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.LocalRedirect("/account/login");
        });

        return app;
    }

    /// <summary>
    /// Signs up first when <paramref name="register"/>, then logs in at the API and starts the session. Returns why it
    /// failed, in the API's words, or null when the user is signed in.
    /// </summary>
    public static async Task<string?> SignInAsync(HttpContext http, IHttpClientFactory clients, TokenSessionStore sessions, string username, string password, bool register)
    {
        try
        {
            var api = clients.CreateClient(LectureApi.Client);
            var address = ClientAddressOf(http);
            if (register)
            {
                await LectureApi.RegisterAsync(api, username, password, address, http.RequestAborted);
            }

            var tokens = await LectureApi.LoginAsync(api, username, password, address, http.RequestAborted);
            var user = await LectureApi.WhoAsync(api, tokens.AccessToken, address, http.RequestAborted);
            await SignInAsync(http, sessions, tokens, user);
            return null;
        }
        catch (ApiProblemException ex)
        {
            return ex.Message;
        }
        catch (HttpRequestException)
        {
            return "The transcription service cannot be reached right now. Please try again in a moment.";
        }
    }

    /// <summary>Signs in: a server-side session for the tokens, a cookie that names it, and what the pages show about the user.</summary>
    private static async Task SignInAsync(HttpContext http, TokenSessionStore sessions, TokenPair tokens, UserInfo user)
    {
        var session = sessions.Create(tokens, ClientAddressOf(http));
        List<Claim> claims =
        [
            new(SessionClaims.SessionId, session.Id),
            new(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.Username),
        ];
        if (user.IsAdmin)
        {
            claims.Add(new(ClaimTypes.Role, SessionClaims.AdminRole));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal,
            new AuthenticationProperties { IsPersistent = false, ExpiresUtc = DateTimeOffset.UtcNow + TokenSessionStore.Lifetime });
    }

    public static string ClientAddressOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1";
}
