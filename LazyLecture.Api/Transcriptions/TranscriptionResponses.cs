using LazyLecture.Api.Transcriptions.Review;
using LazyLecture.Contracts;
using LazyLecture.Contracts.Jobs;

namespace LazyLecture.Api.Transcriptions;

/// <summary>A transcription in lists (the original's TranscriptionResponse); description = the first 256 characters of chunk 0.</summary>
public sealed record TranscriptionResponse(
    int Id,
    int CreatorId,
    double AudioLenSecs,
    double ChunkSizeSecs,
    TranscriptionState CurrentState,
    DateTimeOffset CreateDate,
    DateTimeOffset UpdateDate,
    string Description,
    int ErrorCount);

/// <summary>
/// One transcription with its progress: seconds transcribed, their share of the recording, chunks saved, the last error; its
/// voice activity detection: asked for or not, the seconds of speech found, and a note when it ran without it
/// ("without voice activity detection (…)") or found no speech; the engine the worker reported running it with; its course;
/// the Whisper prompt it ran with (its own prompt, then its course glossary, of which the engine keeps the last
/// n_text_ctx/2 tokens as whisper.cpp does), or a note that its engine could not use one.
/// </summary>
public sealed record TranscriptionDetail(
    int Id,
    int CreatorId,
    double AudioLenSecs,
    double ChunkSizeSecs,
    TranscriptionState CurrentState,
    DateTimeOffset CreateDate,
    DateTimeOffset UpdateDate,
    string Description,
    int ErrorCount,
    double ProgressSecs,
    double Progress,
    int ChunksDone,
    int ChunksTotal,
    string? LastError,
    string? OriginalFileName,
    int? CourseId,
    string? PromptUsed,
    string? PromptNote,
    bool VoiceActivityDetection = true,
    double? SpeechSecs = null,
    string? VoiceActivityNote = null,
    string? Engine = null);

/// <summary>
/// Changes to a transcription: the course it is filed in (null: unfiled). The field must be present: an empty body would
/// otherwise read as null and unfile the lecture. Whether it was sent is recorded by its setter (System.Text.Json calls it
/// only for a field in the body), so the endpoint can check the caller's ownership first and the body after.
/// </summary>
public sealed class TranscriptionChanges
{
    private readonly int? _courseId;

    public int? CourseId
    {
        get => _courseId;
        init
        {
            _courseId = value;
            CourseIdGiven = true;
        }
    }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool CourseIdGiven { get; private init; }
}

public sealed record TranscriptionPage(int Page, int Size, int Total, int Pages, IReadOnlyList<TranscriptionResponse> Transcriptions);

/// <summary>A chunk (the original's TranscriptionChunkResponse: its text is in <c>transcription</c>).</summary>
public sealed record ChunkResponse(long Id, int ChunkOrder, int ChunkSizeSecs, string Transcription);

/// <summary>The original named the chunk list <c>transcriptions</c>; kept for its clients.</summary>
public sealed record ChunkPage(int Page, int Size, int Total, int Pages, IReadOnlyList<ChunkResponse> Transcriptions);

/// <summary>
/// A segment with its timed words (<c>{start, end, text, probability}</c>, seconds from the start of the recording) and
/// its owner's review (<c>unreviewed</c>, <c>confirmed</c> or <c>corrected</c>).
/// </summary>
public sealed record SegmentResponse(int ChunkNo, int SegmentNo, double Start, double End, string Text, IReadOnlyList<SegmentWord> Words, SegmentReview Review = SegmentReview.Unreviewed);

public sealed record SegmentPage(int Page, int Size, int Total, int Pages, IReadOnlyList<SegmentResponse> Segments);

public static class TranscriptionMapping
{
    public const int DescriptionLength = 256;

    public static TranscriptionResponse ToResponse(this Transcription t, string? firstChunkText) =>
        new(t.Id, t.CreatorId, t.AudioLenSecs, t.ChunkSizeSecs, t.CurrentState, t.CreateDate, t.UpdateDate, Describe(firstChunkText), t.ErrorCount);

    public static TranscriptionDetail ToDetail(this Transcription t, string? firstChunkText, int chunksDone) =>
        new(t.Id, t.CreatorId, t.AudioLenSecs, t.ChunkSizeSecs, t.CurrentState, t.CreateDate, t.UpdateDate, Describe(firstChunkText), t.ErrorCount,
            t.ProgressSecs, t.AudioLenSecs > 0 ? Math.Round(t.ProgressSecs / t.AudioLenSecs, 4) : 0, chunksDone, t.MaxChunkNumber + 1, t.LastError, t.OriginalFileName, t.CourseId, t.PromptUsed,
            t.PromptUnsupported ? PromptUnsupportedNote : null, t.VoiceActivityDetection, t.SpeechSecs, t.VoiceActivityNote, t.Engine);

    public const string PromptUnsupportedNote = "PocketSphinx transcribed this job, and it cannot use a prompt: the job's prompt and its course glossary were not used.";

    /// <summary>How a lecture is named to people: the uploaded file's name, or its number when it had none.</summary>
    public static string Title(int id, string? originalFileName) => originalFileName is { Length: > 0 } name ? name : $"Transcription {id}";

    public static SegmentResponse ToResponse(this TranscriptionSegment s) => new(s.ChunkNo, s.SegmentNo, s.StartSecs, s.EndSecs, s.Text, s.Words, s.Review);

    private static string Describe(string? text) => text is null ? "" : text[..Math.Min(text.Length, DescriptionLength)];
}
