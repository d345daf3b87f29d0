using LazyLecture.Api.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LazyLecture.Api.Transcriptions.Review;

/// <summary>The owner's review by confidence: confirm a segment as heard, withdraw that, and read how far the review has come.</summary>
public static class SegmentReviewEndpoints
{
    public static RouteGroupBuilder MapSegmentReview(this RouteGroupBuilder transcriptions)
    {
        transcriptions.MapPut("/{id:int}/segments/{n:int}/confirmation", async Task<Ok<SegmentResponse>> (HttpContext http, int id, int n, SegmentReviews reviews, CancellationToken ct) =>
                TypedResults.Ok(await reviews.ConfirmAsync(http.User.UserId(), id, n, ct)))
            .WithSummary("Confirm a segment as heard")
            .WithDescription(
                "n is the segment's zero-based position in the transcript (the order of GET …/segments). The segment counts as " +
                "reviewed (review: confirmed) without a change to its text. A corrected segment stays corrected. Repeating it changes nothing.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        transcriptions.MapDelete("/{id:int}/segments/{n:int}/confirmation", async Task<Ok<SegmentResponse>> (HttpContext http, int id, int n, SegmentReviews reviews, CancellationToken ct) =>
                TypedResults.Ok(await reviews.WithdrawConfirmationAsync(http.User.UserId(), id, n, ct)))
            .WithSummary("Withdraw a segment's confirmation")
            .WithDescription(
                "A confirmed segment is unreviewed again. A corrected segment stays corrected: its correction is its review, and " +
                "only another correction changes its text. An unreviewed segment stays as it is.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        transcriptions.MapGet("/{id:int}/review", async Task<Ok<ReviewProgress>> (HttpContext http, int id, SegmentReviews reviews, CancellationToken ct) =>
                TypedResults.Ok(await reviews.ProgressAsync(http.User.UserId(), id, ct)))
            .WithSummary("How far the review has come")
            .WithDescription("segments: all of the transcript's; reviewed: those confirmed or corrected by the owner, with each count apart.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return transcriptions;
    }
}
