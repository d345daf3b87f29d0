using LazyLecture.Api.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LazyLecture.Api.Sharing;

/// <summary>The caller's share links: create one for a lecture or a course, list them, revoke one.</summary>
public static class ShareLinkEndpoints
{
    public static IEndpointRouteBuilder MapShareLinksApi(this IEndpointRouteBuilder app)
    {
        var links = app.MapGroup("/api/v1/share-links").WithTags("Sharing").RequireAuthorization();

        links.MapPost("/", async Task<Created<ShareLinkCreated>> (HttpContext http, ShareLinkRequest request, ShareLinks owned, CancellationToken ct) =>
            {
                var created = await owned.CreateAsync(http.User.UserId(), request, ct);
                return TypedResults.Created($"/api/v1/share-links/{created.Link.Id}", created);
            })
            .WithSummary("Create a read-only link to one of the caller's lectures (transcription_id) or courses (course_id)")
            .WithDescription("Optional expires_at (in the future). The answer holds the token once: only its SHA-256 hash is stored. Anyone with the token reads what it shares under /api/v1/shared/{token}/.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        links.MapGet("/", async Task<Ok<IReadOnlyList<ShareLinkResponse>>> (HttpContext http, ShareLinks owned, CancellationToken ct) =>
                TypedResults.Ok(await owned.ListAsync(http.User.UserId(), ct)))
            .WithSummary("The caller's share links, newest first, with their created, expiry, last-used and revoked times")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        links.MapDelete("/{shareLinkId:int}", async Task<NoContent> (HttpContext http, int shareLinkId, ShareLinks owned, CancellationToken ct) =>
            {
                await owned.RevokeAsync(http.User.UserId(), shareLinkId, ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Revoke a share link: the next request through it is a 404")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }
}
