using LazyLecture.Api.Data;
using LazyLecture.Api.Errors;
using LazyLecture.Api.Transcriptions;
using LazyLecture.Api.Transcriptions.Intake;
using LazyLecture.Api.Transcriptions.Live;
using LazyLecture.Contracts;
using LazyLecture.Contracts.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LazyLecture.Api.OpenAi;

/// <summary>
/// An OpenAI-style call as an ordinary transcription of the caller (same probing, ownership, retention, listing and web
/// view): probe the staged file, take the user's one active-job slot — waiting for it while another job of the user runs —
/// then wait, woken by the same change notifications as live progress, until the transcription is finished.
/// </summary>
public sealed class OpenAiTranscriptions(
    LazyLectureDbContext db,
    TranscriptionUploads uploads,
    UploadIntake intake,
    TranscriptionEventHub hub,
    LiveTranscriptions live,
    IOptions<OpenAiOptions> options,
    IOptions<TranscriptionOptions> transcriptionOptions,
    ILogger<OpenAiTranscriptions> logger)
{
    // A missed notification (a listener reconnecting) costs at most this much delay, never a hang.
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(5);

    /// <summary>How long a caller whose slot never came free should wait before trying again.</summary>
    public static readonly TimeSpan BusyRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>Probes the file and creates the transcription once the user has no other active job, before <paramref name="deadline"/>.</summary>
    public async Task<Transcription> StartAsync(int userId, OpenAiAudioRequest request, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        // OpenAI's own floor, not the lecture minimum of the upload route
        var audio = await intake.ProbeAsync(request.File, OpenAiRefusals.Instance, cancellationToken, settings.MinDurationSecs);
        var chunkSize = request.Stream ? settings.StreamChunkSizeSecs : transcriptionOptions.Value.ChunkSizeSecs;
        var decoding = new DecodingOptions(request.Language, request.Prompt, request.Temperature, request.Translate);
        while (true)
        {
            var active = await db.Transcriptions.AsNoTracking()
                .Where(t => t.CreatorId == userId && Transcription.ActiveStates.Contains(t.CurrentState))
                .Select(t => (int?)t.Id)
                .FirstOrDefaultAsync(cancellationToken);
            if (active is null)
            {
                try
                {
                    return await uploads.CreateAsync(userId, audio.DurationSeconds, chunkSize, request.FileName, request.File, decoding, cancellationToken, request.VoiceActivity);
                }
                catch (ConflictException)
                {
                    continue; // another call of the same user took the slot first: wait for that one
                }
            }

            // One active job per user: this call queues behind the running one instead of failing.
            if (!await WaitForChangeAsync(active.Value, deadline, cancellationToken))
            {
                logger.LogInformation("OpenAI-compatible call of user {UserId} gave up waiting for transcription {TranscriptionId} to finish", userId, active.Value);
                throw new TooManyRequestsException(BusyRetryAfter,
                    $"Your transcription {active.Value} is still running; one transcription runs per user at a time. Try again later, or follow it at /api/v1/transcriptions/{active.Value}.");
            }
        }
    }

    /// <summary>The transcription's state once it is finished; a timeout error naming the transcription if that takes past the deadline.</summary>
    public async Task<LiveStateEvent> WaitUntilFinishedAsync(int userId, int id, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        using var subscription = hub.Subscribe(id);
        while (true)
        {
            var state = await live.ReadStateAsync(userId, id, cancellationToken)
                ?? throw new OpenAiRequestException(StatusCodes.Status404NotFound, $"Transcription {id} was deleted while it ran.", null, "not_found");
            if (state.IsFinished)
            {
                return state;
            }

            var remaining = deadline - DateTimeOffset.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                throw TimedOut(id);
            }

            await subscription.WaitAsync(remaining < RecheckInterval ? remaining : RecheckInterval, cancellationToken);
        }
    }

    /// <summary>
    /// Past the time limit the job goes on as an ordinary transcription. 409, not a 5xx: SDKs retry those on their own, and a
    /// retry would start a second transcription of the same file.
    /// </summary>
    public static OpenAiRequestException TimedOut(int id) => new(StatusCodes.Status409Conflict,
        $"Transcription {id} is not finished within the time limit; it goes on. Follow it at /api/v1/transcriptions/{id} (its text at /api/v1/transcriptions/{id}/export).",
        null, "transcription_timeout");

    /// <summary>The answer for a job that ended without text to give: cancelled by its owner, or failed.</summary>
    public static OpenAiRequestException NotCompleted(LiveStateEvent state) => state.CurrentState switch
    {
        TranscriptionState.ProcessingFail => new(StatusCodes.Status502BadGateway,
            $"Transcription {state.Id} failed in the worker: {state.LastError ?? "no reason given"}.", null, "transcription_failed"),
        _ => new(StatusCodes.Status409Conflict, $"Transcription {state.Id} was cancelled before it finished.", null, "transcription_cancelled"),
    };

    /// <summary>OpenAI's answers to a refused recording: 400 naming the <c>file</c> parameter, with OpenAI's codes for its length.</summary>
    private sealed class OpenAiRefusals : IIntakeRefusals
    {
        public static readonly OpenAiRefusals Instance = new();

        public Exception Empty() => OpenAiRequestException.Invalid(OpenAiAudioRequestReader.FileField, "The file is empty.");

        public Exception TooShort(double durationSecs, DurationLimits limits) => OpenAiRequestException.Invalid(OpenAiAudioRequestReader.FileField,
            $"Audio file is too short. Minimum audio length is {limits.MinSecs:0.##} seconds.", "audio_too_short");

        public Exception TooLong(double durationSecs, DurationLimits limits) => OpenAiRequestException.Invalid(OpenAiAudioRequestReader.FileField,
            $"Audio file is too long. Maximum audio length is {limits.MaxSecs:0} seconds.", "audio_too_long");
    }

    private async Task<bool> WaitForChangeAsync(int activeId, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var remaining = deadline - DateTimeOffset.UtcNow;
        if (remaining <= TimeSpan.Zero)
        {
            return false;
        }

        using var subscription = hub.Subscribe(activeId);
        await subscription.WaitAsync(remaining < RecheckInterval ? remaining : RecheckInterval, cancellationToken);
        return true;
    }
}
