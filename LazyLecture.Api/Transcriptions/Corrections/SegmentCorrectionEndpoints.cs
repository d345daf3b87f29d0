using LazyLecture.Api.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LazyLecture.Api.Transcriptions.Corrections;

/// <summary><c>PATCH /api/v1/transcriptions/{id}/segments/{n}</c>: the owner corrects what the engine heard.</summary>
public static class SegmentCorrectionEndpoints
{
    public static RouteGroupBuilder MapSegmentCorrections(this RouteGroupBuilder transcriptions)
    {
        transcriptions.MapPatch("/{id:int}/segments/{n:int}", async Task<Ok<SegmentResponse>> (HttpContext http, int id, int n, SegmentCorrection correction, SegmentCorrections corrections, CancellationToken ct) =>
                TypedResults.Ok(await corrections.CorrectAsync(http.User.UserId(), id, n, correction, ct)))
            .WithSummary("Correct one segment's text")
            .WithDescription(
                "n is the segment's zero-based position in the transcript (the order of GET …/segments). Body: {\"text\": \"…\"} " +
                $"(1–{SegmentCorrections.MaxTextLength} characters once trimmed). The chunk's text, the exports and search change with it; " +
                "followers of the transcription's event stream get the chunk again.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return transcriptions;
    }
}
