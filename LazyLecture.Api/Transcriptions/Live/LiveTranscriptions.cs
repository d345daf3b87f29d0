using System.Text.Json.Nodes;
using LazyLecture.Api.Data;
using LazyLecture.Api.Errors;
using LazyLecture.Contracts;
using Microsoft.EntityFrameworkCore;

namespace LazyLecture.Api.Transcriptions.Live;

/// <summary>The reads behind an event stream, each filtered by owner inside the query like every other transcription route.</summary>
public sealed class LiveTranscriptions(LazyLectureDbContext db)
{
    public async Task EnsureOwnedAsync(int userId, int id, CancellationToken cancellationToken)
    {
        if (!await Owned(userId, id).AnyAsync(cancellationToken))
        {
            throw new NotFoundException($"Transcription {id} was not found.");
        }
    }

    /// <summary>The current state, or null once the transcription is gone.</summary>
    public async Task<LiveStateEvent?> ReadStateAsync(int userId, int id, CancellationToken cancellationToken) =>
        await Owned(userId, id)
            .Select(t => new LiveStateEvent(
                t.Id,
                t.CurrentState,
                t.ProgressSecs,
                t.AudioLenSecs,
                t.AudioLenSecs > 0 ? Math.Round(t.ProgressSecs / t.AudioLenSecs, 4) : 0,
                db.TranscriptionChunks.Count(c => c.TranscriptionId == t.Id),
                t.ErrorCount,
                t.LastError))
            .SingleOrDefaultAsync(cancellationToken);

    /// <summary>Which chunks exist and when each was last saved (a re-saved chunk is sent again).</summary>
    public async Task<Dictionary<int, DateTimeOffset>> ReadChunkVersionsAsync(int userId, int id, CancellationToken cancellationToken) =>
        await OwnedChunks(userId, id).ToDictionaryAsync(c => c.ChunkNo, c => c.UpdateDate, cancellationToken);

    public async Task<List<LiveChunkEvent>> ReadChunksAsync(int userId, int id, IReadOnlyCollection<int> chunkNos, CancellationToken cancellationToken)
    {
        var chunks = await OwnedChunks(userId, id).Where(c => chunkNos.Contains(c.ChunkNo)).OrderBy(c => c.ChunkNo)
            .Select(c => new { c.ChunkNo, c.Text, c.UpdateDate }).ToListAsync(cancellationToken);
        var segments = (await db.TranscriptionSegments.AsNoTracking()
                .Where(s => s.TranscriptionId == id && chunkNos.Contains(s.ChunkNo))
                .OrderBy(s => s.ChunkNo).ThenBy(s => s.SegmentNo)
                .Select(s => new SegmentResponse(s.ChunkNo, s.SegmentNo, s.StartSecs, s.EndSecs, s.Text, s.Words, s.Review))
                .ToListAsync(cancellationToken))
            .ToLookup(s => s.ChunkNo);
        return [.. chunks.Select(c => new LiveChunkEvent(c.ChunkNo, c.Text, [.. segments[c.ChunkNo]]) { SavedAt = c.UpdateDate })];
    }

    /// <summary>The partial result of the chunk being transcribed, as its JSON segments and version; null when there is none.</summary>
    public async Task<LivePartial?> ReadPartialAsync(int userId, int id, CancellationToken cancellationToken) =>
        await db.TranscriptionPartials.AsNoTracking()
            .Where(p => p.TranscriptionId == id && db.Transcriptions.Any(t => t.Id == id && t.CreatorId == userId))
            .Select(p => new LivePartial(p.ChunkNo, p.Segments, p.UpdateDate))
            .SingleOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Whether the token the stream was opened with would still be accepted: not expired, the account active and its
    /// security stamp unchanged (logout, password change and blocking rotate it), as the authentication handler checks.
    /// An API key instead stays good while it is not revoked and its owner is active.
    /// </summary>
    public async Task<bool> IsCallerStillValidAsync(StreamCaller caller, CancellationToken cancellationToken) =>
        caller.ApiKeyId is { } keyId
            ? await db.ApiKeys.AsNoTracking().AnyAsync(k => k.Id == keyId && k.UserId == caller.UserId && k.RevokedAt == null && db.Users.Any(u => u.Id == k.UserId && u.Active), cancellationToken)
            : caller.ExpiresAt > DateTimeOffset.UtcNow
              && await db.Users.AsNoTracking().AnyAsync(u => u.Id == caller.UserId && u.Active && u.SecurityStamp == caller.Stamp, cancellationToken);

    private IQueryable<Transcription> Owned(int userId, int id) =>
        db.Transcriptions.AsNoTracking().Where(t => t.Id == id && t.CreatorId == userId);

    private IQueryable<TranscriptionChunk> OwnedChunks(int userId, int id) =>
        db.TranscriptionChunks.AsNoTracking().Where(c => c.TranscriptionId == id && db.Transcriptions.Any(t => t.Id == id && t.CreatorId == userId));
}

/// <summary>The <c>state</c> event: where the job stands (sent first, then whenever any of it changes).</summary>
public sealed record LiveStateEvent(
    int Id,
    TranscriptionState CurrentState,
    double ProgressSecs,
    double AudioLenSecs,
    double Progress,
    int ChunksSaved,
    int ErrorCount,
    string? LastError)
{
    public bool IsFinished => CurrentState.IsFinished();
}

/// <summary>The <c>chunk</c> event: a saved chunk's text and its timestamped segments (seconds from the start of the recording).</summary>
public sealed record LiveChunkEvent(int ChunkNo, string Text, IReadOnlyList<SegmentResponse> Segments)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public DateTimeOffset SavedAt { get; init; }
}

/// <summary>
/// The <c>partial</c> event: the segments of a chunk still being transcribed, so far (each event replaces the previous one;
/// the chunk's <c>chunk</c> event replaces them all). Segments are kept as the JSON the worker's report was stored as.
/// </summary>
public sealed record LivePartialEvent(int ChunkNo, JsonNode? Segments);

/// <summary>A stored partial result with its version (the time of its last report).</summary>
public sealed record LivePartial(int ChunkNo, string Segments, DateTimeOffset UpdatedAt);

/// <summary>Who opened a stream, from the token's claims (or the API key used): rechecked while the stream lasts.</summary>
public sealed record StreamCaller(int UserId, string? Stamp, DateTimeOffset ExpiresAt, long? ApiKeyId = null);

/// <summary>The <c>unauthorized</c> event: the caller's token expired or was revoked; the stream ends.</summary>
public sealed record LiveUnauthorizedEvent(string Detail);

/// <summary>The <c>deleted</c> event: the transcription is gone; the stream ends.</summary>
public sealed record LiveDeletedEvent(int Id);
