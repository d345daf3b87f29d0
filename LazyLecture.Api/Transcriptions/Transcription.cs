using LazyLecture.Api.Errors;
using LazyLecture.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LazyLecture.Api.Transcriptions;

/// <summary>
/// One uploaded recording and its transcription job. The state machine is the original's (queued → in_progress →
/// completed, with processing_error retries up to processing_fail, and cancellation); transitions are methods here.
/// </summary>
public sealed class Transcription
{
    public const int MaxErrors = 3;

    public const int MaxPromptLength = 2000;

    public int Id { get; private set; }

    public required int CreatorId { get; init; }

    public required double AudioLenSecs { get; init; }

    public required double ChunkSizeSecs { get; init; }

    public TranscriptionState CurrentState { get; private set; } = TranscriptionState.Queued;

    public int ErrorCount { get; private set; }

    /// <summary>The worker's last error message (shown to the owner; never a stack trace).</summary>
    public string? LastError { get; private set; }

    /// <summary>Seconds of audio transcribed so far, reported by the worker after each window.</summary>
    public double ProgressSecs { get; private set; }

    /// <summary>Where the audio store keeps the recording (its key, not a path the client sees).</summary>
    public string AudioLocation { get; set; } = "";

    public string? OriginalFileName { get; init; }

    /// <summary>Spoken language (ISO 639-1) asked for by the uploader; null: the worker's default.</summary>
    public string? Language { get; init; }

    /// <summary>Text to guide the decoder (the OpenAI route's <c>prompt</c>).</summary>
    public string? Prompt { get; init; }

    public float? Temperature { get; init; }

    /// <summary>The owner's course this lecture is filed in; null: unfiled.</summary>
    public int? CourseId { get; set; }

    /// <summary>
    /// The Whisper prompt the job ran with: its own prompt, then its course's glossary (<see cref="Courses.CoursePrompt"/>);
    /// set when a worker starts it, null before (or when there was none).
    /// </summary>
    public string? PromptUsed { get; private set; }

    /// <summary>The worker's engine cannot use a prompt (PocketSphinx): the job ran without its prompt and glossary.</summary>
    public bool PromptUnsupported { get; private set; }

    /// <summary>Translate into English instead of transcribing (the OpenAI route <c>/v1/audio/translations</c>).</summary>
    public bool Translate { get; init; }

    /// <summary>Transcribe only the speech, with chunks that end in pauses (voice activity detection); the uploader may turn it off.</summary>
    public bool VoiceActivityDetection { get; init; } = true;

    /// <summary>OpenAI's server_vad parameters for this job (speech threshold 0–1, padding before speech, silence that ends it); null: the worker's.</summary>
    public float? VadThreshold { get; init; }

    public int? VadPrefixPaddingMs { get; init; }

    public int? VadSilenceDurationMs { get; init; }

    /// <summary>Seconds of speech the worker's voice activity detection found; null until it ran, or when it did not.</summary>
    public double? SpeechSecs { get; private set; }

    /// <summary>Said on the job's detail when it ran without voice activity detection, or found no speech; null otherwise.</summary>
    public string? VoiceActivityNote { get; private set; }

    /// <summary>The engine (and runtime) the worker reported running the job with; null until a worker started it.</summary>
    public string? Engine { get; private set; }

    public const int MaxEngineLength = 100;

    public const string NoSpeechNote = "no speech detected: the transcript is empty";

    public DateTimeOffset CreateDate { get; private set; } = DateTimeOffset.UtcNow;

    public DateTimeOffset UpdateDate { get; private set; } = DateTimeOffset.UtcNow;

    // The contract's lists (the worker and the web app judge by the same ones), kept here for the queries that name them.
    public static IReadOnlyList<TranscriptionState> ActiveStates => TranscriptionStates.Active;

    public static IReadOnlyList<TranscriptionState> FinishedStates => TranscriptionStates.Finished;

    public bool IsFinished => CurrentState.IsFinished();

    /// <summary>The highest chunk number the audio can have (the original's floor(audio length / chunk size)).</summary>
    public int MaxChunkNumber => (int)Math.Floor(AudioLenSecs / ChunkSizeSecs);

    /// <summary>A worker picked the job up (again, after an error or a redelivery), to decode with <paramref name="prompt"/>.</summary>
    public void Start(string? prompt, bool promptSupported = true)
    {
        EnsureNotFinished("start");
        CurrentState = TranscriptionState.InProgress;
        PromptUsed = prompt;
        PromptUnsupported = !promptSupported;
        LastError = null;
        Touch();
    }

    public void RecordError(string? message)
    {
        EnsureNotFinished("record an error for");
        ErrorCount++;
        LastError = message is null ? null : message[..Math.Min(message.Length, 1000)];
        CurrentState = ErrorCount >= MaxErrors ? TranscriptionState.ProcessingFail : TranscriptionState.ProcessingError;
        Touch();
    }

    public void Complete()
    {
        EnsureNotFinished("complete");
        CurrentState = TranscriptionState.Completed;
        ProgressSecs = AudioLenSecs;
        Touch();
    }

    /// <summary>The owner stops the job; what was transcribed so far is kept (completed_partially).</summary>
    public void Cancel(bool hasChunks)
    {
        EnsureNotFinished("cancel");
        CurrentState = hasChunks ? TranscriptionState.CompletedPartially : TranscriptionState.Cancelled;
        Touch();
    }

    public void ReportProgress(double seconds)
    {
        ProgressSecs = Math.Clamp(seconds, ProgressSecs, AudioLenSecs);
        Touch();
    }

    /// <summary>The engine the worker runs the job with, and what its voice activity detection found (or why it did not look).</summary>
    public void RecordRun(string engine, bool detected, double? speechSecs, string? reason)
    {
        EnsureNotFinished("record the run of");
        Engine = engine;
        SpeechSecs = detected ? Math.Clamp(speechSecs ?? 0, 0, AudioLenSecs) : null;
        VoiceActivityNote = detected
            ? SpeechSecs == 0 ? NoSpeechNote : null
            : "without voice activity detection" + (string.IsNullOrWhiteSpace(reason) ? "" : $" ({reason.Trim()[..Math.Min(reason.Trim().Length, 150)]})");
        Touch();
    }

    public void Touch() => UpdateDate = DateTimeOffset.UtcNow;

    private void EnsureNotFinished(string action)
    {
        if (IsFinished)
        {
            throw new ConflictException($"Cannot {action} transcription {Id}: it is already {CurrentState.ToSnakeCase()}.");
        }
    }
}

/// <summary>The API's older names for <see cref="TranscriptionStates"/>' wire spelling.</summary>
public static class TranscriptionStateNames
{
    public static string ToSnakeCase(this TranscriptionState state) => state.ToWireName();

    /// <summary>Parses the wire spelling (<c>in_progress</c>); null when it is not a state.</summary>
    public static TranscriptionState? Parse(string value) => TranscriptionStates.Parse(value);
}

internal sealed class TranscriptionConfiguration : IEntityTypeConfiguration<Transcription>
{
    public void Configure(EntityTypeBuilder<Transcription> builder)
    {
        builder.ToTable("transcriptions");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).UseIdentityAlwaysColumn();
        builder.Property(t => t.CurrentState).HasConversion(s => s.ToWireName(), s => TranscriptionStates.Parse(s)!.Value).HasMaxLength(32);
        builder.Property(t => t.AudioLocation).HasMaxLength(300);
        builder.Property(t => t.OriginalFileName).HasMaxLength(300);
        builder.Property(t => t.LastError).HasMaxLength(1000);
        builder.Property(t => t.Language).HasMaxLength(16);
        builder.Property(t => t.Prompt).HasMaxLength(Transcription.MaxPromptLength);
        builder.Property(t => t.VoiceActivityNote).HasMaxLength(200);
        builder.Property(t => t.Engine).HasMaxLength(Transcription.MaxEngineLength);
        builder.HasOne<Users.User>().WithMany().HasForeignKey(t => t.CreatorId).OnDelete(DeleteBehavior.Cascade);
        // Deleting a course keeps its lectures, unfiled.
        builder.HasOne<Courses.Course>().WithMany().HasForeignKey(t => t.CourseId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(t => new { t.CourseId, t.CreateDate });
        builder.HasIndex(t => new { t.CreatorId, t.CreateDate });
        // One active job per user, enforced by the database even when two uploads race.
        builder.HasIndex(t => t.CreatorId).IsUnique()
            .HasFilter($"current_state IN ({string.Join(", ", TranscriptionStates.Active.Select(s => $"'{s.ToWireName()}'"))})")
            .HasDatabaseName("ix_transcriptions_one_active_per_creator");
    }
}
