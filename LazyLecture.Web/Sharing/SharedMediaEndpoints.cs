using LazyLecture.Web.Media;

namespace LazyLecture.Web.Sharing;

/// <summary>
/// A shared lecture's recording (range requests passed through) and exports, for a visitor without an account: fetched
/// from the API's shared routes with the link's token. A link that is gone answers the API's 404.
/// </summary>
public static class SharedMediaEndpoints
{
    public static IEndpointRouteBuilder MapSharedMediaEndpoints(this IEndpointRouteBuilder app)
    {
        var media = app.MapGroup(SharedLinkPaths.Prefix + "/{token}/lectures/{id:int}").AllowAnonymous();

        media.MapGet("/audio", async (HttpContext http, string token, int id, SharedLinkApi api) =>
            await MediaEndpoints.CopyAsync(http, await api.SendStreamingAsync(token, $"/lectures/{id}/audio", request => MediaEndpoints.ForwardRange(http, request), http.RequestAborted)));

        media.MapGet("/export", async (HttpContext http, string token, int id, string? format, SharedLinkApi api) =>
            await MediaEndpoints.CopyAsync(http, await api.SendStreamingAsync(token,
                $"/lectures/{id}/export?format={Uri.EscapeDataString(format ?? "txt")}{MediaEndpoints.CaptionOptions(http.Request.Query)}", _ => { }, http.RequestAborted)));

        return app;
    }
}
