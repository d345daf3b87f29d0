using System.Buffers.Text;
using LazyLecture.Api.Data;
using LazyLecture.Api.Errors;
using Microsoft.EntityFrameworkCore;

namespace LazyLecture.Api.Sharing;

/// <summary>
/// Opens a share link for one request: the token's hash must name a link that is neither revoked nor expired, read anew on
/// every request (nothing is cached), so a revoked or expired link is a 404 from the next request on. Any lecture asked
/// for must be what the link shares: the lecture itself, or a lecture of the shared course, of the link's owner.
/// </summary>
public sealed class SharedAccess(LazyLectureDbContext db, TimeProvider clock)
{
    public async Task<ShareGrant> OpenAsync(string token, CancellationToken cancellationToken)
    {
        if (!LooksLikeToken(token))
        {
            throw Gone();
        }

        var hash = ShareLink.Hash(token);
        var now = clock.GetUtcNow();
        var link = await db.ShareLinks.AsNoTracking()
            .Where(s => s.TokenHash == hash && s.RevokedAt == null && (s.ExpiresAt == null || s.ExpiresAt > now))
            .Select(s => new ShareGrant(s.Id, s.OwnerId, s.CourseId, s.TranscriptionId, s.ExpiresAt))
            .SingleOrDefaultAsync(cancellationToken) ?? throw Gone();
        await db.ShareLinks.Where(s => s.Id == link.LinkId).ExecuteUpdateAsync(set => set.SetProperty(s => s.LastUsedAt, now), cancellationToken);
        return link;
    }

    /// <summary>What the link shares, with its lectures in upload order.</summary>
    public async Task<SharedContent> DescribeAsync(ShareGrant grant, CancellationToken cancellationToken)
    {
        var lectures = await Lectures(grant).OrderBy(t => t.CreateDate).ThenBy(t => t.Id).ToListAsync(cancellationToken);
        if (grant.CourseId is { } courseId)
        {
            var course = await db.Courses.AsNoTracking().SingleAsync(c => c.Id == courseId, cancellationToken);
            return new SharedContent("course", course.Name, course.Code, course.Term, grant.ExpiresAt, [.. lectures.Select(t => t.ToShared())]);
        }

        var lecture = lectures.Single().ToShared();
        return new SharedContent("transcription", lecture.Title, null, null, grant.ExpiresAt, [lecture]);
    }

    /// <summary>404 unless the lecture is one the link shares.</summary>
    public async Task RequireLectureAsync(ShareGrant grant, int id, CancellationToken cancellationToken)
    {
        if (!await Lectures(grant).AnyAsync(t => t.Id == id, cancellationToken))
        {
            throw new NotFoundException($"Transcription {id} is not shared by this link.");
        }
    }

    private IQueryable<Transcriptions.Transcription> Lectures(ShareGrant grant) =>
        db.Transcriptions.AsNoTracking().Where(t => t.CreatorId == grant.OwnerId
            && (grant.CourseId == null ? t.Id == grant.TranscriptionId : t.CourseId == grant.CourseId));

    /// <summary>Our tokens are 43 base64url characters; anything else cannot be one and costs no query.</summary>
    private static bool LooksLikeToken(string token) =>
        token.Length == Base64Url.GetEncodedLength(ShareLink.TokenBytes) && Base64Url.IsValid(token);

    private static NotFoundException Gone() => new("This share link does not exist, has expired or was revoked.");
}
