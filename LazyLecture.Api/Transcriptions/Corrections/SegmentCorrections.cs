using LazyLecture.Api.Chapters;
using LazyLecture.Api.Data;
using LazyLecture.Api.Errors;
using Microsoft.EntityFrameworkCore;

namespace LazyLecture.Api.Transcriptions.Corrections;

/// <summary>The owner's correction of one segment's text: <c>text</c>, 1–2000 characters once trimmed.</summary>
public sealed record SegmentCorrection(string? Text);

/// <summary>
/// Corrects a segment's text. The chunk's text is rebuilt from its segments in the same transaction, so the chunk list,
/// every export and the search index (a column PostgreSQL computes from the segment) all show the correction at once.
/// </summary>
public sealed class SegmentCorrections(LazyLectureDbContext db, LectureChapters chapters, ILogger<SegmentCorrections> logger)
{
    public const int MaxTextLength = 2000;

    /// <param name="position">The segment's zero-based position in the transcript, as listed by <c>GET …/segments</c>.</param>
    public async Task<SegmentResponse> CorrectAsync(int userId, int id, int position, SegmentCorrection correction, CancellationToken cancellationToken)
    {
        // Someone else's transcription is not found, whatever the body says: ownership is checked before the input.
        if (!await db.Transcriptions.AnyAsync(t => t.Id == id && t.CreatorId == userId, cancellationToken))
        {
            throw new NotFoundException($"Transcription {id} was not found.");
        }

        var text = correction.Text?.Trim() ?? "";
        if (text.Length is 0 or > MaxTextLength)
        {
            throw ValidationFailedException.For("text", $"text must have 1 to {MaxTextLength} characters (not counting surrounding spaces).");
        }

        if (position < 0)
        {
            throw ValidationFailedException.For("n", "The segment number counts from 0.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Locked, so a concurrent correction of another segment of the same chunk cannot rebuild the chunk from stale text.
        var owned = await db.Transcriptions.FromSql($"SELECT * FROM transcriptions WHERE id = {id} AND creator_id = {userId} FOR UPDATE")
            .SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException($"Transcription {id} was not found.");
        var segment = await db.TranscriptionSegments.Where(s => s.TranscriptionId == owned.Id)
            .OrderBy(s => s.ChunkNo).ThenBy(s => s.SegmentNo).Skip(position).FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"Transcription {id} has no segment {position}.");

        segment.Correct(text);
        await db.SaveChangesAsync(cancellationToken);
        var texts = await db.TranscriptionSegments.Where(s => s.TranscriptionId == id && s.ChunkNo == segment.ChunkNo)
            .OrderBy(s => s.SegmentNo).Select(s => s.Text).ToListAsync(cancellationToken);
        var chunkText = string.Join(' ', texts.Where(t => t.Length > 0));
        var now = DateTimeOffset.UtcNow;
        await db.TranscriptionChunks.Where(c => c.TranscriptionId == id && c.ChunkNo == segment.ChunkNo)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.Text, chunkText).SetProperty(x => x.UpdateDate, now), cancellationToken);
        owned.Touch(); // followers of the transcription are notified and get the chunk again
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (owned.IsFinished)
        {
            await chapters.RecomputeAsync(id, cancellationToken); // the corrected words may move a topic change; edited chapters stay
        }

        logger.LogInformation("Segment {ChunkNo}/{SegmentNo} of transcription {TranscriptionId} corrected by its owner", segment.ChunkNo, segment.SegmentNo, id);
        return segment.ToResponse();
    }
}
