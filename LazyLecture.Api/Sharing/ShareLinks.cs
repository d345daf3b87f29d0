using LazyLecture.Api.Data;
using LazyLecture.Api.Errors;
using LazyLecture.Api.Transcriptions;
using Microsoft.EntityFrameworkCore;

namespace LazyLecture.Api.Sharing;

/// <summary>An owner's share links: create (for their own lecture or course), list, revoke. Owner filters inside every query.</summary>
public sealed class ShareLinks(LazyLectureDbContext db, TimeProvider clock, ILogger<ShareLinks> logger)
{
    public async Task<ShareLinkCreated> CreateAsync(int userId, ShareLinkRequest request, CancellationToken cancellationToken)
    {
        if (request.TranscriptionId.HasValue == request.CourseId.HasValue)
        {
            throw ValidationFailedException.For("transcription_id", "Share exactly one thing: give transcription_id (one lecture) or course_id (a whole course).");
        }

        if (request.ExpiresAt is { } expires && expires <= clock.GetUtcNow())
        {
            throw ValidationFailedException.For("expires_at", "expires_at must be in the future.");
        }

        if (request.TranscriptionId is { } transcriptionId && !await db.Transcriptions.AnyAsync(t => t.Id == transcriptionId && t.CreatorId == userId, cancellationToken))
        {
            throw ValidationFailedException.For("transcription_id", $"You have no transcription {transcriptionId}.");
        }

        if (request.CourseId is { } courseId && !await db.Courses.AnyAsync(c => c.Id == courseId && c.OwnerId == userId, cancellationToken))
        {
            throw ValidationFailedException.For("course_id", $"You have no course {courseId}.");
        }

        var token = ShareLink.NewToken();
        var link = new ShareLink
        {
            OwnerId = userId,
            TokenHash = ShareLink.Hash(token),
            TranscriptionId = request.TranscriptionId,
            CourseId = request.CourseId,
            ExpiresAt = request.ExpiresAt?.ToUniversalTime(),
        };
        db.ShareLinks.Add(link);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Share link {ShareLinkId} created by user {UserId}", link.Id, userId);
        var listed = (await ListAsync(userId, cancellationToken)).Single(l => l.Id == link.Id);
        return new ShareLinkCreated(listed, token, SharedContentEndpoints.PathOf(token));
    }

    /// <summary>The owner's links, newest first, each with the title of what it shares.</summary>
    public async Task<IReadOnlyList<ShareLinkResponse>> ListAsync(int userId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var rows = await db.ShareLinks.AsNoTracking().Where(s => s.OwnerId == userId)
            .OrderByDescending(s => s.CreateDate).ThenByDescending(s => s.Id)
            .Select(s => new
            {
                Link = s,
                FileName = db.Transcriptions.Where(t => t.Id == s.TranscriptionId).Select(t => t.OriginalFileName).FirstOrDefault(),
                CourseName = db.Courses.Where(c => c.Id == s.CourseId).Select(c => c.Name).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new ShareLinkResponse(r.Link.Id, r.Link.TranscriptionId, r.Link.CourseId,
            r.CourseName ?? TranscriptionMapping.Title(r.Link.TranscriptionId ?? 0, r.FileName),
            r.Link.CreateDate, r.Link.ExpiresAt, r.Link.LastUsedAt, r.Link.RevokedAt, r.Link.IsUsableAt(now)))];
    }

    /// <summary>Revokes the link: the next request through it is a 404. Revoking twice is harmless.</summary>
    public async Task RevokeAsync(int userId, int linkId, CancellationToken cancellationToken)
    {
        var link = await db.ShareLinks.SingleOrDefaultAsync(s => s.Id == linkId && s.OwnerId == userId, cancellationToken)
            ?? throw new NotFoundException($"Share link {linkId} was not found.");
        link.Revoke(clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Share link {ShareLinkId} revoked by user {UserId}", linkId, userId);
    }
}
