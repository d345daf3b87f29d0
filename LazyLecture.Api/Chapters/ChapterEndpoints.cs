using LazyLecture.Api.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LazyLecture.Api.Chapters;

/// <summary>The owner's chapters of a transcript: list, rename or move, merge with the next, split.</summary>
public static class ChapterEndpoints
{
    public static RouteGroupBuilder MapChapters(this RouteGroupBuilder transcriptions)
    {
        transcriptions.MapGet("/{id:int}/chapters", async Task<Ok<IReadOnlyList<ChapterResponse>>> (HttpContext http, int id, LectureChapters chapters, CancellationToken ct) =>
                TypedResults.Ok(await chapters.ListAsync(http.User.UserId(), id, ct)))
            .WithSummary("The transcript's chapters (topics), in order")
            .WithDescription("Computed when the job completes by lexical cohesion (TextTiling over the segments, English stemming), titled by each chapter's most distinctive words. Chapters the owner edited (edited: true) are kept when the text is corrected; the others are recomputed.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

        transcriptions.MapPatch("/{id:int}/chapters/{n:int}", async Task<Ok<IReadOnlyList<ChapterResponse>>> (HttpContext http, int id, int n, ChapterChange change, LectureChapters chapters, CancellationToken ct) =>
                TypedResults.Ok(await chapters.ChangeAsync(http.User.UserId(), id, n, change, ct)))
            .WithSummary("Rename chapter n (from 1) with title, or move its start to another segment's start with start (seconds)")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        transcriptions.MapPost("/{id:int}/chapters/{n:int}/merge", async Task<Ok<IReadOnlyList<ChapterResponse>>> (HttpContext http, int id, int n, LectureChapters chapters, CancellationToken ct) =>
                TypedResults.Ok(await chapters.MergeWithNextAsync(http.User.UserId(), id, n, ct)))
            .WithSummary("Merge chapter n with the next one (it keeps chapter n's title)")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        transcriptions.MapPost("/{id:int}/chapters/{n:int}/split", async Task<Ok<IReadOnlyList<ChapterResponse>>> (HttpContext http, int id, int n, ChapterSplit split, LectureChapters chapters, CancellationToken ct) =>
                TypedResults.Ok(await chapters.SplitAsync(http.User.UserId(), id, n, split, ct)))
            .WithSummary("Split chapter n at a segment start inside it (at, seconds); the new chapter is titled by its words")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        return transcriptions;
    }
}
