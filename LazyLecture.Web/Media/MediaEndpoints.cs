using LazyLecture.Contracts.Captions;
using LazyLecture.Web.Api;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Primitives;

namespace LazyLecture.Web.Media;

/// <summary>
/// What the browser fetches by URL rather than through a page: the recording for the audio player (range requests passed
/// through, so seeking does not download it all) and the exports. Both are fetched from the API with the session's token,
/// which never reaches the browser.
/// </summary>
public static class MediaEndpoints
{
    private static readonly string[] ForwardedResponseHeaders = ["Accept-Ranges", "Content-Range", "Content-Type", "Content-Length", "Content-Disposition", "ETag", "Last-Modified"];

    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder app)
    {
        var media = app.MapGroup("/media/transcriptions").RequireAuthorization();

        media.MapGet("/{id:int}/audio", (HttpContext http, int id, LectureApi api, AuthenticationStateProvider state) =>
            ProxyAsync(http, api, state, () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/transcriptions/{id}/audio");
                ForwardRange(http, request);
                return request;
            }));

        media.MapGet("/{id:int}/export", (HttpContext http, int id, string? format, LectureApi api, AuthenticationStateProvider state) =>
            ProxyAsync(http, api, state, () => new HttpRequestMessage(HttpMethod.Get, $"/api/v1/transcriptions/{id}/export?format={Uri.EscapeDataString(format ?? "txt")}{CaptionOptions(http.Request.Query)}")));

        return app;
    }

    /// <summary>The player's range request, passed on so seeking does not download the whole recording.</summary>
    public static void ForwardRange(HttpContext http, HttpRequestMessage request)
    {
        if (http.Request.Headers.Range is { Count: > 0 } range)
        {
            request.Headers.TryAddWithoutValidation("Range", (IEnumerable<string?>)range);
        }
    }

    /// <summary>The caption rules the page set for srt/vtt, passed on as given (the API validates them).</summary>
    public static string CaptionOptions(IQueryCollection query) =>
        string.Concat(CaptionOptionNames.All.Where(query.ContainsKey).Select(name => $"&{name}={Uri.EscapeDataString(query[name].ToString())}"));

    private static async Task ProxyAsync(HttpContext http, LectureApi api, AuthenticationStateProvider state, Func<HttpRequestMessage> makeRequest)
    {
        // The API client finds its session through the authentication state, which outside a page is this request's user.
        ((IHostEnvironmentAuthenticationStateProvider)state).SetAuthenticationState(Task.FromResult(new AuthenticationState(http.User)));
        HttpResponseMessage response;
        try
        {
            response = await api.SendAsync(makeRequest, http.RequestAborted, streaming: true);
        }
        catch (SessionEndedException)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        await CopyAsync(http, response);
    }

    /// <summary>Answers with the API's response: status, the headers a player or download needs, and the body as it streams.</summary>
    public static async Task CopyAsync(HttpContext http, HttpResponseMessage response)
    {
        using (response)
        {
            http.Response.StatusCode = (int)response.StatusCode;
            foreach (var name in ForwardedResponseHeaders)
            {
                if (response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values))
                {
                    http.Response.Headers[name] = new StringValues([.. values]);
                }
            }

            http.Response.Headers.CacheControl = "private, no-store";
            await using var body = await response.Content.ReadAsStreamAsync(http.RequestAborted);
            await body.CopyToAsync(http.Response.Body, http.RequestAborted);
        }
    }
}
