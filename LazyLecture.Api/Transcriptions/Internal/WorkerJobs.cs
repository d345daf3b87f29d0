using LazyLecture.Api.Chapters;
using LazyLecture.Api.Data;
using LazyLecture.Api.Errors;
using LazyLecture.Contracts;
using LazyLecture.Contracts.Jobs;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LazyLecture.Api.Transcriptions.Internal;

/// <summary>
/// The worker's side of a job. The API stays the only writer of transcriptions: the worker reports state changes and saves
/// chunks here, idempotently per (transcription, chunk number), so a redelivered job never duplicates or loses text.
/// </summary>
public sealed class WorkerJobs(LazyLectureDbContext db, LectureChapters chapters, IOptions<JsonOptions> jsonOptions, ILogger<WorkerJobs> logger)
{
    public async Task<WorkerJobView> GetAsync(int id, CancellationToken cancellationToken)
    {
        var transcription = await FindAsync(id, cancellationToken, tracked: false);
        return await ViewAsync(transcription, cancellationToken);
    }

    public async Task<WorkerJobView> ReportStateAsync(int id, StateReport report, CancellationToken cancellationToken)
    {
        var transcription = await FindAsync(id, cancellationToken, tracked: true);
        switch (report.State)
        {
            case TranscriptionState.InProgress:
                transcription.Start(report.PromptSupported == false ? null : await ComposePromptAsync(transcription, cancellationToken), report.PromptSupported != false);
                break;
            case TranscriptionState.ProcessingError:
                transcription.RecordError(report.Error);
                break;
            case TranscriptionState.Completed:
                await chapters.ComputeForFinishedJobAsync(id, cancellationToken); // before the state: whoever sees "completed" finds the chapters
                transcription.Complete();
                break;
            default:
                throw ValidationFailedException.For("state", "A worker reports in_progress, processing_error or completed.");
        }

        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Transcription {TranscriptionId} is now {State}", id, transcription.CurrentState.ToSnakeCase());
        return await ViewAsync(transcription, cancellationToken);
    }

    /// <summary>Records seconds transcribed; the answer carries the current state, so the worker notices a cancellation.</summary>
    public async Task<WorkerJobView> ReportProgressAsync(int id, ProgressReport report, CancellationToken cancellationToken)
    {
        // JSON can carry "NaN" and "Infinity" as strings; stored, they would break every answer about the job.
        if (!double.IsFinite(report.Seconds) || report.Seconds < 0)
        {
            throw ValidationFailedException.For("seconds", "seconds must be a finite number, not negative.");
        }

        var transcription = await FindAsync(id, cancellationToken, tracked: true);
        if (!transcription.IsFinished)
        {
            transcription.ReportProgress(report.Seconds);
            await db.SaveChangesAsync(cancellationToken);
        }

        return await ViewAsync(transcription, cancellationToken);
    }

    /// <summary>Records the engine, whether voice activity detection ran for the job and how much speech it found (shown on the job detail).</summary>
    public async Task ReportRunAsync(int id, JobRunReport report, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(report.Engine) || report.Engine.Length > Transcription.MaxEngineLength)
        {
            throw ValidationFailedException.For("engine", $"engine is required, at most {Transcription.MaxEngineLength} characters.");
        }

        if (report.SpeechSecs is { } speech && !(double.IsFinite(speech) && speech >= 0))
        {
            throw ValidationFailedException.For("speech_secs", "speech_secs must be a finite number, not negative.");
        }

        var transcription = await FindAsync(id, cancellationToken, tracked: true);
        transcription.RecordRun(report.Engine.Trim(), report.Detected, report.SpeechSecs, report.Reason);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Saves (or replaces) one chunk and its segments in one transaction.</summary>
    public async Task SaveChunkAsync(int id, int chunkNo, ChunkInput chunk, CancellationToken cancellationToken)
    {
        var transcription = await FindAsync(id, cancellationToken, tracked: true);
        var (chunkStart, chunkEnd, segments) = CheckReport(transcription, chunkNo, chunk);
        if (chunk.Text is null)
        {
            throw ValidationFailedException.For("text", "text is required (empty for a chunk without speech).");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // Locked and re-read inside the transaction: a completion or cancellation committed since the check above must
        // not be followed by a chunk (a live stream that saw the final state has ended and would never show it).
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM transcriptions WHERE id = {id} FOR UPDATE", cancellationToken);
        await db.Entry(transcription).ReloadAsync(cancellationToken);
        if (db.Entry(transcription).State == EntityState.Detached)
        {
            throw new NotFoundException($"Transcription {id} was not found."); // deleted meanwhile
        }

        EnsureNotFinished(transcription);

        var now = DateTimeOffset.UtcNow;
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO transcription_chunks (transcription_id, chunk_no, text, start_secs, end_secs, create_date, update_date)
            VALUES ({id}, {chunkNo}, {chunk.Text ?? ""}, {chunkStart}, {chunkEnd}, {now}, {now})
            ON CONFLICT (transcription_id, chunk_no) DO UPDATE
                SET text = EXCLUDED.text, start_secs = EXCLUDED.start_secs, end_secs = EXCLUDED.end_secs, update_date = EXCLUDED.update_date
            """, cancellationToken);
        await db.TranscriptionSegments.Where(s => s.TranscriptionId == id && s.ChunkNo == chunkNo).ExecuteDeleteAsync(cancellationToken);
        db.TranscriptionSegments.AddRange(segments.Select((s, i) => new TranscriptionSegment
        {
            TranscriptionId = id,
            ChunkNo = chunkNo,
            SegmentNo = i,
            StartSecs = s.Start,
            EndSecs = s.End,
            Text = s.Text.Trim(),
            Words = s.Words is null ? [] : [.. s.Words.Select(w => w with { Text = w.Text.Trim() })],
            Decoding = s.Decoding,
        }));
        // The saved chunk supersedes what was reported of it while it ran.
        await db.TranscriptionPartials.Where(p => p.TranscriptionId == id && p.ChunkNo == chunkNo).ExecuteDeleteAsync(cancellationToken);
        transcription.Touch();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Saved chunk {ChunkNo} of transcription {TranscriptionId} ({Segments} segments)", chunkNo, id, segments.Count);
    }

    /// <summary>
    /// Replaces the partial result of the chunk being transcribed (the segments of the windows finished so far). Touches
    /// the transcription so its followers are notified. Ignored once the chunk is saved: a late report must not reappear.
    /// </summary>
    public async Task SavePartialAsync(int id, int chunkNo, ChunkInput chunk, CancellationToken cancellationToken)
    {
        var transcription = await FindAsync(id, cancellationToken, tracked: true);
        var (_, _, reported) = CheckReport(transcription, chunkNo, chunk);
        var segments = reported.Select((s, i) => new SegmentResponse(chunkNo, i, s.Start, s.End, s.Text.Trim(), s.Words ?? [])).ToList();
        if (await db.TranscriptionChunks.AnyAsync(c => c.TranscriptionId == id && c.ChunkNo == chunkNo, cancellationToken))
        {
            return;
        }

        var json = JsonSerializer.Serialize(segments, jsonOptions.Value.SerializerOptions);
        var partial = await db.TranscriptionPartials.SingleOrDefaultAsync(p => p.TranscriptionId == id, cancellationToken);
        if (partial is null)
        {
            db.TranscriptionPartials.Add(new TranscriptionPartial { TranscriptionId = id, ChunkNo = chunkNo, Segments = json });
        }
        else
        {
            partial.ChunkNo = chunkNo;
            partial.Segments = json;
            partial.UpdateDate = DateTimeOffset.UtcNow;
        }

        transcription.Touch();
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<string> AudioLocationAsync(int id, CancellationToken cancellationToken) =>
        (await FindAsync(id, cancellationToken, tracked: false)).AudioLocation;

    /// <summary>
    /// What a saved chunk and a partial result are both checked for: the job still open (409), the chunk inside the audio, its
    /// bounds, and its segments by the contract's <see cref="SegmentRules"/> (422).
    /// </summary>
    private static (double Start, double End, IReadOnlyList<SegmentInput> Segments) CheckReport(Transcription transcription, int chunkNo, ChunkInput chunk)
    {
        EnsureNotFinished(transcription);
        if (chunkNo < 0 || chunkNo > transcription.MaxChunkNumber)
        {
            throw ValidationFailedException.For("chunk_no", $"Chunk {chunkNo} is beyond the audio: chunks run from 0 to {transcription.MaxChunkNumber}.");
        }

        var (start, end) = BoundsOf(transcription, chunkNo, chunk);
        if (SegmentRules.Check(chunk.Segments, chunkNo, start, end) is { } problem)
        {
            throw ValidationFailedException.For(problem.Field, problem.Message);
        }

        return (start, end, chunk.Segments ?? []);
    }

    private static void EnsureNotFinished(Transcription transcription)
    {
        if (transcription.IsFinished)
        {
            throw new ConflictException($"Transcription {transcription.Id} is already {transcription.CurrentState.ToSnakeCase()}.");
        }
    }

    /// <summary>
    /// The chunk's real start and end as the worker sent them (checked against <see cref="ChunkBounds"/>: within half a chunk
    /// of the fixed offsets, inside the recording), or the original's fixed bounds when it sent none.
    /// </summary>
    private static (double Start, double End) BoundsOf(Transcription transcription, int chunkNo, ChunkInput chunk)
    {
        if (chunk.Start is null && chunk.End is null)
        {
            return (chunkNo * transcription.ChunkSizeSecs, Math.Min((chunkNo + 1) * transcription.ChunkSizeSecs, transcription.AudioLenSecs));
        }

        if (chunk.Start is not { } start || chunk.End is not { } end
            || !ChunkBounds.IsPlausible(chunkNo, start, end, transcription.ChunkSizeSecs, transcription.AudioLenSecs))
        {
            throw ValidationFailedException.For("start",
                $"Chunk {chunkNo} needs a start and an end inside the recording, each within {ChunkBounds.MaxShiftSecs(transcription.ChunkSizeSecs):0.##} s of its fixed bounds.");
        }

        return (start, Math.Min(end, transcription.AudioLenSecs));
    }

    private async Task<Transcription> FindAsync(int id, CancellationToken cancellationToken, bool tracked)
    {
        var query = tracked ? db.Transcriptions : db.Transcriptions.AsNoTracking();
        return await query.SingleOrDefaultAsync(t => t.Id == id, cancellationToken) ?? throw new NotFoundException($"Transcription {id} was not found.");
    }

    /// <summary>The job's own prompt followed by its course's glossary as it is now.</summary>
    private async Task<string?> ComposePromptAsync(Transcription t, CancellationToken cancellationToken)
    {
        var glossary = t.CourseId is { } courseId
            ? await db.Courses.Where(c => c.Id == courseId).Select(c => c.Glossary).FirstOrDefaultAsync(cancellationToken)
            : null;
        return Courses.CoursePrompt.Compose(t.Prompt, glossary);
    }

    private async Task<WorkerJobView> ViewAsync(Transcription t, CancellationToken cancellationToken)
    {
        var saved = await db.TranscriptionChunks.Where(c => c.TranscriptionId == t.Id).OrderBy(c => c.ChunkNo).Select(c => c.ChunkNo).ToListAsync(cancellationToken);
        // the engine's text of the last saved chunk (not the owner's corrections): what the worker would have passed on
        var lastSavedText = await db.TranscriptionChunks.Where(c => c.TranscriptionId == t.Id)
            .OrderByDescending(c => c.ChunkNo).Select(c => c.Text).FirstOrDefaultAsync(cancellationToken);
        return new WorkerJobView(t.Id, t.CreatorId, t.CurrentState, t.AudioLenSecs, t.ChunkSizeSecs, t.ErrorCount, t.ProgressSecs, saved,
            new DecodingOptions(t.Language, t.CurrentState == TranscriptionState.Queued ? await ComposePromptAsync(t, cancellationToken) : t.PromptUsed, t.Temperature, t.Translate),
            new VoiceActivityRequest(t.VoiceActivityDetection, t.VadThreshold, t.VadPrefixPaddingMs, t.VadSilenceDurationMs),
            lastSavedText);
    }
}
