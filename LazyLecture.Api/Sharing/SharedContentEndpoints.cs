using LazyLecture.Api.Captions;
using LazyLecture.Api.Chapters;
using LazyLecture.Api.Transcriptions;
using LazyLecture.Api.Transcriptions.Export;
using LazyLecture.Api.Transcriptions.Search;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LazyLecture.Api.Sharing;

/// <summary>
/// <c>/api/v1/shared/{token}/…</c>: what a share link shares, read-only and without an account. The token travels in the
/// path by design (a capability URL, like an unlisted video's): whoever has the link reads what it shares and nothing else.
/// Answers carry <c>X-Robots-Tag: noindex</c> and are rate-limited per client address.
/// </summary>
public static class SharedContentEndpoints
{
    public const string Prefix = "/api/v1/shared";

    public static string PathOf(string token) => $"{Prefix}/{token}";

    public static IEndpointRouteBuilder MapSharedContentApi(this IEndpointRouteBuilder app)
    {
        var shared = app.MapGroup(Prefix + "/{token}").WithTags("Shared").AllowAnonymous()
            .RequireRateLimiting(ShareLinkRateLimiting.PerIpPolicy)
            .AddEndpointFilter(async (context, next) =>
            {
                var headers = context.HttpContext.Response.Headers;
                headers["X-Robots-Tag"] = "noindex, nofollow";
                headers["Referrer-Policy"] = "no-referrer";
                return await next(context);
            });

        shared.MapGet("/", async Task<Ok<SharedContent>> (string token, SharedAccess access, CancellationToken ct) =>
                TypedResults.Ok(await access.DescribeAsync(await access.OpenAsync(token, ct), ct)))
            .WithSummary("What the link shares: one lecture, or a course with its lectures in upload order")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        shared.MapGet("/lectures/{id:int}/segments", async Task<Ok<SegmentPage>> (string token, int id, int? page, int? size, SharedAccess access, UserTranscriptions transcriptions, CancellationToken ct) =>
            {
                var grant = await OpenLectureAsync(access, token, id, ct);
                return TypedResults.Ok(await transcriptions.ListSegmentsAsync(grant.OwnerId, id, page, size, ct));
            })
            .WithSummary("A shared lecture's timestamped segments, in order, paged")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        shared.MapGet("/lectures/{id:int}/chapters", async Task<Ok<IReadOnlyList<ChapterResponse>>> (string token, int id, SharedAccess access, LectureChapters chapters, CancellationToken ct) =>
            {
                var grant = await OpenLectureAsync(access, token, id, ct);
                return TypedResults.Ok(await chapters.ListAsync(grant.OwnerId, id, ct));
            })
            .WithSummary("A shared lecture's chapters (topics), in order, as its owner sees them")
            .ProducesProblem(StatusCodes.Status404NotFound);

        shared.MapGet("/lectures/{id:int}/audio", async Task<PhysicalFileHttpResult> (string token, int id, SharedAccess access, UserTranscriptions transcriptions, CancellationToken ct) =>
            {
                var grant = await OpenLectureAsync(access, token, id, ct);
                var audio = await transcriptions.AudioAsync(grant.OwnerId, id, ct);
                return TypedResults.PhysicalFile(audio.Path, audio.ContentType, enableRangeProcessing: true);
            })
            .WithSummary("A shared lecture's recording, with HTTP range requests")
            .Produces(StatusCodes.Status206PartialContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status416RangeNotSatisfiable);

        shared.MapGet("/lectures/{id:int}/export", async Task<FileContentHttpResult> (
                string token, int id, string? format, [AsParameters] CaptionQuery captions,
                SharedAccess access, UserTranscriptions transcriptions, CancellationToken ct) =>
            {
                var rules = captions.ToRules();
                var exportFormat = TranscriptionEndpoints.ParseFormat(format);
                var grant = await OpenLectureAsync(access, token, id, ct);
                var file = await transcriptions.ExportAsync(grant.OwnerId, id, exportFormat, ct, rules);
                return TypedResults.File(file.Content, file.ContentType, file.FileName);
            })
            .WithSummary("Export a shared lecture as txt, docx, srt, vtt or json, or its chapters (as the owner's export)")
            .WithDescription(CaptionQuery.Description)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        shared.MapGet("/search", async Task<Ok<SearchPage>> (string token, string? q, int? page, int? size, SharedAccess access, TranscriptSearch search, CancellationToken ct) =>
            {
                var grant = await access.OpenAsync(token, ct);
                return TypedResults.Ok(await search.SearchAsync(grant.SearchScope, q, page, size, ct));
            })
            .WithSummary("Full-text search within what the link shares (as the owner's search; hits give the lecture and the time)")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        return app;
    }

    private static async Task<ShareGrant> OpenLectureAsync(SharedAccess access, string token, int id, CancellationToken ct)
    {
        var grant = await access.OpenAsync(token, ct);
        await access.RequireLectureAsync(grant, id, ct);
        return grant;
    }
}
