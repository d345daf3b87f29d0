using LazyLecture.Api.Data;
using LazyLecture.Api.Errors;
using LazyLecture.Api.Outbox;
using LazyLecture.Api.Transcriptions.Audio;
using LazyLecture.Api.Transcriptions.Intake;
using LazyLecture.Api.Validation;
using LazyLecture.Contracts;
using LazyLecture.Contracts.Jobs;
using LazyLecture.Contracts.Messaging;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LazyLecture.Api.Transcriptions;

/// <summary>
/// Accepts a recording on the REST and the original's routes: reads the multipart field <c>audiofile</c> into the
/// <see cref="UploadIntake"/> (size cap, staging, probing, duration rules; refusals as Problem Details), then commits the
/// transcription and its job message in one transaction. A refused upload leaves neither a file nor a row.
/// </summary>
public sealed class TranscriptionUploads(
    LazyLectureDbContext db,
    IAudioStore store,
    UploadIntake intake,
    OutboxWriter outbox,
    IOptions<TranscriptionOptions> options,
    Courses.UserCourses courses,
    ILogger<TranscriptionUploads> logger)
{
    public const string FieldName = "audiofile";

    public const double MinChunkSizeSecs = 10;
    public const double MaxChunkSizeSecs = 3600;

    /// <param name="chunkSizeSecs">Seconds of audio per chunk (10–3600); the configured default when absent.</param>
    /// <param name="voiceActivityDetection">False transcribes the whole recording in fixed chunks; absent or true, only its speech.</param>
    /// <param name="courseId">One of the user's courses to file the lecture in; null: unfiled.</param>
    public async Task<Transcription> UploadAsync(HttpRequest request, int userId, double? chunkSizeSecs, CancellationToken cancellationToken, bool voiceActivityDetection = true, int? courseId = null)
    {
        var settings = options.Value;
        // NaN compares false with both bounds, so finiteness is checked on its own.
        if (chunkSizeSecs is { } size && (!double.IsFinite(size) || size is < MinChunkSizeSecs or > MaxChunkSizeSecs))
        {
            throw ValidationFailedException.For("chunk_size_secs", $"chunk_size_secs must be between {MinChunkSizeSecs:0} and {MaxChunkSizeSecs:0}.");
        }

        await courses.RequireCourseForFilingAsync(userId, courseId, cancellationToken);
        await EnsureNoActiveJobAsync(userId, cancellationToken);

        intake.CapBody(request.HttpContext);
        var (staged, fileName) = await ReceiveAsync(request, cancellationToken);
        using (staged)
        {
            var audio = await intake.ProbeAsync(staged, ProblemDetailsRefusals.Instance, cancellationToken);
            return await CreateAsync(userId, audio.DurationSeconds, chunkSizeSecs ?? settings.ChunkSizeSecs, fileName, staged, DecodingOptions.Default, cancellationToken,
                new VoiceActivityRequest(voiceActivityDetection), courseId);
        }
    }

    private async Task EnsureNoActiveJobAsync(int userId, CancellationToken cancellationToken)
    {
        var active = await db.Transcriptions.AsNoTracking()
            .Where(t => t.CreatorId == userId && Transcription.ActiveStates.Contains(t.CurrentState))
            .Select(t => new { t.Id, t.CurrentState })
            .FirstOrDefaultAsync(cancellationToken);
        if (active is not null)
        {
            throw ActiveJobConflict(active.Id, active.CurrentState);
        }
    }

    private static ConflictException ActiveJobConflict(int id, TranscriptionState state) =>
        new($"Transcription {id} is {state.ToSnakeCase()}. Cancel it or wait for it to finish before starting a new one.");

    private async Task<(StagedAudio Staged, string? FileName)> ReceiveAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var boundary = MultipartUpload.RequireBoundary(request, FieldName);
        try
        {
            var reader = new MultipartReader(boundary, request.Body);
            var otherFiles = 0;
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (MultipartUpload.FileField(section) is not { } file)
                {
                    continue;
                }

                if (file.Name != FieldName)
                {
                    otherFiles++;
                    continue;
                }

                var staged = await intake.StageAsync(section.Body, cancellationToken);
                try
                {
                    await MultipartUpload.EnsureNoOtherFileAsync(reader, otherFiles, cancellationToken);
                }
                catch
                {
                    staged.Dispose();
                    throw;
                }

                return (staged, InputText.CleanFileName(file.FileName, 300));
            }
        }
        catch (Exception ex) when (MultipartUpload.IsMalformedBody(ex, request.HttpContext))
        {
            throw MultipartUpload.Malformed(ex);
        }

        throw ValidationFailedException.For(FieldName, $"The multipart field '{FieldName}' with a file is required.");
    }

    /// <summary>These routes' refusals: 415 for an empty file (as for one that is no audio), 422 naming the field for its length.</summary>
    private sealed class ProblemDetailsRefusals : IIntakeRefusals
    {
        public static readonly ProblemDetailsRefusals Instance = new();

        public Exception Empty() => new UnsupportedAudioException("The uploaded file is empty.");

        public Exception TooShort(double durationSecs, DurationLimits limits) => OutOfRange(durationSecs, limits);

        public Exception TooLong(double durationSecs, DurationLimits limits) => OutOfRange(durationSecs, limits);

        private static ValidationFailedException OutOfRange(double durationSecs, DurationLimits limits) => ValidationFailedException.For(FieldName,
            $"Audio must be between {limits.MinSecs:0} and {limits.MaxSecs:0} seconds long; this file is {durationSecs:0.##} seconds.");
    }

    /// <summary>
    /// Commits a staged, probed recording as a queued transcription with its job message (also used by the OpenAI-compatible
    /// route). A <see cref="ConflictException"/> means the user's one active job was taken meanwhile.
    /// </summary>
    public async Task<Transcription> CreateAsync(int userId, double duration, double chunkSizeSecs, string? fileName, StagedAudio staged, DecodingOptions decoding, CancellationToken cancellationToken,
        VoiceActivityRequest? voiceActivity = null, int? courseId = null)
    {
        voiceActivity ??= VoiceActivityRequest.Default;
        var transcription = new Transcription
        {
            CreatorId = userId,
            AudioLenSecs = duration,
            ChunkSizeSecs = chunkSizeSecs,
            OriginalFileName = fileName is { Length: > 300 } ? fileName[..300] : fileName,
            Language = decoding.Language,
            Prompt = decoding.Prompt,
            Temperature = decoding.Temperature,
            Translate = decoding.Translate,
            VoiceActivityDetection = voiceActivity.Enabled,
            VadThreshold = voiceActivity.Threshold,
            VadPrefixPaddingMs = voiceActivity.PrefixPaddingMs,
            VadSilenceDurationMs = voiceActivity.SilenceDurationMs,
            CourseId = courseId,
        };

        string? committedLocation = null;
        List<string> evictedAudio;
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            evictedAudio = await EvictBeyondRetentionAsync(userId, cancellationToken);
            db.Transcriptions.Add(transcription);
            await db.SaveChangesAsync(cancellationToken);
            committedLocation = transcription.AudioLocation = store.Commit(staged, transcription.Id);
            outbox.Enqueue(TranscriptionJobQueue.Name, new TranscriptionJob(transcription.Id, userId));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            DeleteQuietly(committedLocation);
            db.Entry(transcription).State = EntityState.Detached; // so that a caller who waits and tries again starts clean
            // Another upload of the same user won the race for the one active job.
            throw new ConflictException("You already have an active transcription. Cancel it or wait for it to finish before starting a new one.");
        }
        catch
        {
            DeleteQuietly(committedLocation);
            throw;
        }

        outbox.NotifyCommitted();
        foreach (var location in evictedAudio)
        {
            DeleteQuietly(location);
        }

        logger.LogInformation("Transcription {TranscriptionId} queued: {DurationSecs:0.#} s of audio", transcription.Id, duration);
        return transcription;
    }

    /// <summary>Makes room for one more under the retention limit by deleting the oldest finished transcriptions; returns their audio.</summary>
    private async Task<List<string>> EvictBeyondRetentionAsync(int userId, CancellationToken cancellationToken)
    {
        var count = await db.Transcriptions.CountAsync(t => t.CreatorId == userId, cancellationToken);
        var excess = count + 1 - options.Value.RetentionLimit;
        if (excess <= 0)
        {
            return [];
        }

        var oldest = await db.Transcriptions
            .Where(t => t.CreatorId == userId && Transcription.FinishedStates.Contains(t.CurrentState))
            .OrderBy(t => t.CreateDate).ThenBy(t => t.Id)
            .Take(excess)
            .Select(t => new { t.Id, t.AudioLocation })
            .ToListAsync(cancellationToken);
        var ids = oldest.Select(t => t.Id).ToList();
        await db.Transcriptions.Where(t => ids.Contains(t.Id)).ExecuteDeleteAsync(cancellationToken);
        logger.LogInformation("Retention: deleted {Count} oldest transcription(s) of user {UserId}", ids.Count, userId);
        return [.. oldest.Select(t => t.AudioLocation)];
    }

    private void DeleteQuietly(string? location)
    {
        try
        {
            if (location is not null)
            {
                store.Delete(location);
            }
        }
        catch (IOException ex)
        {
            logger.LogWarning("Could not delete audio {Location}: {Message}", location, ex.Message);
        }
    }
}
