using LazyLecture.Api.Captions;
using LazyLecture.Api.Chapters;
using LazyLecture.Api.Data;
using LazyLecture.Api.Errors;
using LazyLecture.Api.Transcriptions.Audio;
using LazyLecture.Api.Transcriptions.Export;
using LazyLecture.Api.Validation;
using LazyLecture.Contracts;
using Microsoft.EntityFrameworkCore;

namespace LazyLecture.Api.Transcriptions;

/// <summary>
/// What an owner can do with their transcriptions. Every query filters by owner inside the query, so another user's
/// transcription is simply not found (404), on every route.
/// </summary>
public sealed class UserTranscriptions(LazyLectureDbContext db, IAudioStore store, LectureChapters chapters, ILogger<UserTranscriptions> logger)
{
    public async Task<TranscriptionPage> ListAsync(int userId, int? page, int? size, TranscriptionState? state, CancellationToken cancellationToken, int? courseId = null)
    {
        var paging = Paging.Validate(page, size);
        var owned = db.Transcriptions.AsNoTracking().Where(t => t.CreatorId == userId);
        if (state is { } wanted)
        {
            owned = owned.Where(t => t.CurrentState == wanted);
        }

        if (courseId is { } course)
        {
            owned = owned.Where(t => t.CourseId == course);
        }

        var total = await owned.CountAsync(cancellationToken);
        var rows = await owned.OrderByDescending(t => t.CreateDate).ThenByDescending(t => t.Id)
            .Skip(paging.Skip).Take(paging.Size)
            .Select(t => new { Transcription = t, FirstChunk = db.TranscriptionChunks.Where(c => c.TranscriptionId == t.Id && c.ChunkNo == 0).Select(c => c.Text.Substring(0, TranscriptionMapping.DescriptionLength)).FirstOrDefault() })
            .ToListAsync(cancellationToken);
        return new TranscriptionPage(paging.Page, paging.Size, total, paging.PageCount(total),
            [.. rows.Select(r => r.Transcription.ToResponse(r.FirstChunk))]);
    }

    public async Task<TranscriptionDetail> GetAsync(int userId, int id, CancellationToken cancellationToken)
    {
        var row = await db.Transcriptions.AsNoTracking()
            .Where(t => t.Id == id && t.CreatorId == userId)
            .Select(t => new { Transcription = t, FirstChunk = db.TranscriptionChunks.Where(c => c.TranscriptionId == t.Id && c.ChunkNo == 0).Select(c => c.Text.Substring(0, TranscriptionMapping.DescriptionLength)).FirstOrDefault(), Chunks = db.TranscriptionChunks.Count(c => c.TranscriptionId == t.Id) })
            .SingleOrDefaultAsync(cancellationToken) ?? throw NotFound(id);
        return row.Transcription.ToDetail(row.FirstChunk, row.Chunks);
    }

    public async Task<ChunkPage> ListChunksAsync(int userId, int id, int? page, int? size, CancellationToken cancellationToken)
    {
        var paging = Paging.Validate(page, size);
        var transcription = await FindOwnedAsync(userId, id, cancellationToken);
        var chunks = db.TranscriptionChunks.AsNoTracking().Where(c => c.TranscriptionId == transcription.Id);
        var total = await chunks.CountAsync(cancellationToken);
        var rows = await chunks.OrderBy(c => c.ChunkNo).Skip(paging.Skip).Take(paging.Size).ToListAsync(cancellationToken);
        var chunkSize = (int)Math.Round(transcription.ChunkSizeSecs);
        return new ChunkPage(paging.Page, paging.Size, total, paging.PageCount(total),
            [.. rows.Select(c => new ChunkResponse(c.Id, c.ChunkNo, chunkSize, c.Text))]);
    }

    public async Task<SegmentPage> ListSegmentsAsync(int userId, int id, int? page, int? size, CancellationToken cancellationToken)
    {
        var paging = Paging.Validate(page, size);
        var transcription = await FindOwnedAsync(userId, id, cancellationToken);
        var segments = db.TranscriptionSegments.AsNoTracking().Where(s => s.TranscriptionId == transcription.Id);
        var total = await segments.CountAsync(cancellationToken);
        var rows = await segments.OrderBy(s => s.ChunkNo).ThenBy(s => s.SegmentNo).Skip(paging.Skip).Take(paging.Size)
            .Select(s => new SegmentResponse(s.ChunkNo, s.SegmentNo, s.StartSecs, s.EndSecs, s.Text, s.Words, s.Review))
            .ToListAsync(cancellationToken);
        return new SegmentPage(paging.Page, paging.Size, total, paging.PageCount(total), rows);
    }

    /// <summary>Stops the job; chunks already saved are kept (completed_partially). Finished jobs cannot be cancelled (409).</summary>
    public async Task<TranscriptionDetail> CancelAsync(int userId, int id, CancellationToken cancellationToken)
    {
        var transcription = await FindOwnedAsync(userId, id, cancellationToken, tracked: true);
        var hasChunks = await db.TranscriptionChunks.AnyAsync(c => c.TranscriptionId == id, cancellationToken);
        if (hasChunks && !transcription.IsFinished)
        {
            // completed_partially: the text so far gets its chapters, as a completed job's does (before the state, as there)
            await chapters.ComputeForFinishedJobAsync(id, cancellationToken);
        }

        transcription.Cancel(hasChunks);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Transcription {TranscriptionId} cancelled by its owner ({State})", id, transcription.CurrentState.ToSnakeCase());
        return await GetAsync(userId, id, cancellationToken);
    }

    /// <summary>Deletes the transcription with its chunks, segments (cascade) and audio.</summary>
    public async Task DeleteAsync(int userId, int id, CancellationToken cancellationToken)
    {
        var transcription = await FindOwnedAsync(userId, id, cancellationToken);
        await db.Transcriptions.Where(t => t.Id == transcription.Id && t.CreatorId == userId).ExecuteDeleteAsync(cancellationToken);
        try
        {
            store.Delete(transcription.AudioLocation);
        }
        catch (IOException ex)
        {
            logger.LogWarning("Audio of deleted transcription {TranscriptionId} could not be removed: {Message}", id, ex.Message);
        }
    }

    public async Task<ExportFile> ExportAsync(int userId, int id, ExportFormat format, CancellationToken cancellationToken, CaptionRules? captions = null) =>
        TranscriptExporter.Export(await ReadDocumentAsync(userId, id, cancellationToken), format, captions);

    /// <summary>The owner's transcript with its chunks and timed segments (with their words), in order (exports and the OpenAI-compatible answers).</summary>
    public async Task<TranscriptDocument> ReadDocumentAsync(int userId, int id, CancellationToken cancellationToken)
    {
        var transcription = await FindOwnedAsync(userId, id, cancellationToken);
        var chunks = await db.TranscriptionChunks.AsNoTracking().Where(c => c.TranscriptionId == id).OrderBy(c => c.ChunkNo).ToListAsync(cancellationToken);
        var segments = await db.TranscriptionSegments.AsNoTracking().Where(s => s.TranscriptionId == id)
            .OrderBy(s => s.ChunkNo).ThenBy(s => s.SegmentNo).ToListAsync(cancellationToken);
        var byChunk = segments.ToLookup(s => s.ChunkNo);
        var title = TranscriptionMapping.Title(id, transcription.OriginalFileName);
        return new TranscriptDocument(id, title,
            [.. chunks.Select(c => new TranscriptChunk(c.ChunkNo, c.Text, [.. byChunk[c.ChunkNo].Select(s => new TranscriptSegment(s.StartSecs, s.EndSecs, s.Text) { Words = s.Words, Decoding = s.Decoding })]))])
        {
            Chapters = [.. (await chapters.ResponsesAsync(id, cancellationToken)).Select(c => new TranscriptChapter(c.Start, c.End, c.Title))],
        };
    }

    /// <summary>The stored recording and a media type for players, guessed from the uploaded file's name (browsers sniff the rest).</summary>
    public async Task<PlaybackAudio> AudioAsync(int userId, int id, CancellationToken cancellationToken)
    {
        var transcription = await FindOwnedAsync(userId, id, cancellationToken);
        var path = store.PathOf(transcription.AudioLocation);
        if (!File.Exists(path))
        {
            throw new NotFoundException($"The recording of transcription {id} is no longer stored.");
        }

        var kind = await AudioMediaType.OfFileAsync(path, cancellationToken);
        return new PlaybackAudio(path, kind.MediaType, DownloadName(transcription, kind));
    }

    /// <summary>
    /// The name a download is saved under: the uploader's name cleaned again (control and direction characters, quotes and
    /// folders removed) with the extension of what the file is, so <c>evil&#x202E;vaw.exe</c> comes back as <c>evilvaw.wav</c>.
    /// </summary>
    private static string DownloadName(Transcription transcription, AudioMediaType.Kind kind)
    {
        var cleaned = InputText.CleanFileName(transcription.OriginalFileName?.Replace('"', '\'').Replace('\\', '/'), 200);
        var stem = cleaned is null ? null : Path.GetFileNameWithoutExtension(cleaned).Trim();
        return (string.IsNullOrEmpty(stem) ? $"recording-{transcription.Id}" : stem) + kind.Extension;
    }

    private async Task<Transcription> FindOwnedAsync(int userId, int id, CancellationToken cancellationToken, bool tracked = false)
    {
        var query = tracked ? db.Transcriptions : db.Transcriptions.AsNoTracking();
        return await query.SingleOrDefaultAsync(t => t.Id == id && t.CreatorId == userId, cancellationToken) ?? throw NotFound(id);
    }

    private static NotFoundException NotFound(int id) => new($"Transcription {id} was not found.");
}

/// <summary>A recording to stream to its owner's player, with its media type and the file name a download gets.</summary>
public sealed record PlaybackAudio(string Path, string ContentType, string FileName);
