using LazyLecture.Api.Data;
using LazyLecture.Api.Errors;
using Microsoft.EntityFrameworkCore;

namespace LazyLecture.Api.Transcriptions.Review;

/// <summary>
/// The owner's review of a transcript: confirming a segment as heard (or withdrawing that), and how many segments are
/// reviewed. A correction (<see cref="Corrections.SegmentCorrections"/>) reviews its segment too.
/// </summary>
public sealed class SegmentReviews(LazyLectureDbContext db, ILogger<SegmentReviews> logger)
{
    /// <param name="position">The segment's zero-based position in the transcript, as listed by <c>GET …/segments</c>.</param>
    public Task<SegmentResponse> ConfirmAsync(int userId, int id, int position, CancellationToken cancellationToken) =>
        ReviewAsync(userId, id, position, segment => segment.Confirm(), cancellationToken);

    /// <summary>A confirmed segment becomes unreviewed again; a corrected one stays corrected (see <see cref="TranscriptionSegment.WithdrawConfirmation"/>).</summary>
    public Task<SegmentResponse> WithdrawConfirmationAsync(int userId, int id, int position, CancellationToken cancellationToken) =>
        ReviewAsync(userId, id, position, segment => segment.WithdrawConfirmation(), cancellationToken);

    public async Task<ReviewProgress> ProgressAsync(int userId, int id, CancellationToken cancellationToken)
    {
        await EnsureOwnedAsync(userId, id, cancellationToken);
        var counts = await db.TranscriptionSegments.Where(s => s.TranscriptionId == id)
            .GroupBy(s => s.Review).Select(g => new { Review = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Review, g => g.Count, cancellationToken);
        var confirmed = counts.GetValueOrDefault(SegmentReview.Confirmed);
        var corrected = counts.GetValueOrDefault(SegmentReview.Corrected);
        return new ReviewProgress(counts.Values.Sum(), confirmed + corrected, confirmed, corrected);
    }

    private async Task<SegmentResponse> ReviewAsync(int userId, int id, int position, Action<TranscriptionSegment> review, CancellationToken cancellationToken)
    {
        // Someone else's transcription is not found, whatever the position: ownership is checked before the input.
        await EnsureOwnedAsync(userId, id, cancellationToken);
        if (position < 0)
        {
            throw ValidationFailedException.For("n", "The segment number counts from 0.");
        }

        var segment = await db.TranscriptionSegments
            .Where(s => s.TranscriptionId == id && db.Transcriptions.Any(t => t.Id == id && t.CreatorId == userId))
            .OrderBy(s => s.ChunkNo).ThenBy(s => s.SegmentNo).Skip(position).FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"Transcription {id} has no segment {position}.");
        review(segment);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Segment {ChunkNo}/{SegmentNo} of transcription {TranscriptionId} is {Review}", segment.ChunkNo, segment.SegmentNo, id, segment.Review);
        return segment.ToResponse();
    }

    private async Task EnsureOwnedAsync(int userId, int id, CancellationToken cancellationToken)
    {
        if (!await db.Transcriptions.AnyAsync(t => t.Id == id && t.CreatorId == userId, cancellationToken))
        {
            throw new NotFoundException($"Transcription {id} was not found.");
        }
    }
}
