using LazyLecture.Api.Transcriptions;
using LazyLecture.Contracts;

namespace LazyLecture.Api.Sharing;

/// <summary>What to share: exactly one of a transcription (one lecture) and a course; optionally until when.</summary>
public sealed record ShareLinkRequest(int? TranscriptionId, int? CourseId, DateTimeOffset? ExpiresAt);

/// <summary>A link as its owner sees it in the list (its token is never shown again after creation).</summary>
public sealed record ShareLinkResponse(
    int Id,
    int? TranscriptionId,
    int? CourseId,
    string Title,
    DateTimeOffset CreateDate,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt,
    bool Active);

/// <summary>A new link: its token (shown once; only its hash is kept) and the API path it opens.</summary>
public sealed record ShareLinkCreated(ShareLinkResponse Link, string Token, string Path);

/// <summary>A shared lecture as anyone with the link sees it.</summary>
public sealed record SharedLecture(int Id, string Title, TranscriptionState CurrentState, double AudioLenSecs, DateTimeOffset CreateDate);

/// <summary>What a link shares: one lecture (kind transcription) or a course with its lectures in upload order.</summary>
public sealed record SharedContent(string Kind, string Title, string? Code, string? Term, DateTimeOffset? ExpiresAt, IReadOnlyList<SharedLecture> Lectures);

/// <summary>What one request may reach through a link: the owner's lectures of one course, or one lecture.</summary>
public sealed record ShareGrant(int LinkId, int OwnerId, int? CourseId, int? TranscriptionId, DateTimeOffset? ExpiresAt)
{
    public Transcriptions.Search.SearchScope SearchScope => new(OwnerId, CourseId, TranscriptionId);
}

internal static class SharedLectureMapping
{
    public static SharedLecture ToShared(this Transcription t) => new(t.Id, TranscriptionMapping.Title(t.Id, t.OriginalFileName), t.CurrentState, t.AudioLenSecs, t.CreateDate);
}
