using LazyLecture.Contracts;

namespace LazyLecture.Web.Api;

// The API's JSON (snake_case) as this app reads it. Only the fields the screens use; the API is the source of truth.

public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn);

public sealed record UserInfo(int Id, string Username, bool Active, bool CanInteract, string Role, DateTimeOffset CreateDate)
{
    public bool IsAdmin => Role == "admin";
}

public sealed record UserList(int Page, int Size, int Total, int Pages, IReadOnlyList<UserInfo> Users);

public sealed record TranscriptionSummary(int Id, double AudioLenSecs, string CurrentState, DateTimeOffset CreateDate, string Description, int ErrorCount);

public sealed record TranscriptionList(int Page, int Size, int Total, int Pages, IReadOnlyList<TranscriptionSummary> Transcriptions);

public sealed record TranscriptionInfo(
    int Id,
    double AudioLenSecs,
    string CurrentState,
    DateTimeOffset CreateDate,
    double ProgressSecs,
    double Progress,
    int ChunksDone,
    int ChunksTotal,
    string? LastError,
    string? OriginalFileName,
    bool VoiceActivityDetection = true,
    double? SpeechSecs = null,
    string? VoiceActivityNote = null,
    int? CourseId = null);

/// <summary>A segment of the transcript, its timed words (none from older saves) and its owner's review: unreviewed, confirmed or corrected.</summary>
public sealed record Segment(int ChunkNo, int SegmentNo, double Start, double End, string Text, IReadOnlyList<TimedWord>? Words = null, string Review = SegmentReviews.Unreviewed)
{
    public IReadOnlyList<TimedWord> TimedWords => Words ?? [];

    public bool IsReviewed => Review is SegmentReviews.Confirmed or SegmentReviews.Corrected;
}

/// <summary>A word as the engine heard it: when (seconds) and how sure it was (0–1).</summary>
public sealed record TimedWord(double Start, double End, string Text, double Probability);

/// <summary>The API's names for a segment's review.</summary>
public static class SegmentReviews
{
    public const string Unreviewed = "unreviewed";
    public const string Confirmed = "confirmed";
    public const string Corrected = "corrected";
}

public sealed record SegmentList(int Page, int Size, int Total, int Pages, IReadOnlyList<Segment> Segments);

public sealed record SearchHit(int TranscriptionId, int ChunkNo, int SegmentNo, double Start, double End, string Snippet);

public sealed record SearchResults(int Page, int Size, int Total, int Pages, IReadOnlyList<SearchHit> Hits);

/// <summary>A job's state as the API spells it (<c>in_progress</c>), judged by the wire contract's rule and told in words.</summary>
public static class JobStates
{
    /// <summary>Whether the job changes no more (the API's stream says the same with <c>is_finished</c>).</summary>
    public static bool IsFinished(string state) => TranscriptionStates.IsFinished(state);

    /// <summary>The state as people read it.</summary>
    public static string Describe(string state) => TranscriptionStates.Parse(state) switch
    {
        TranscriptionState.Queued => "Queued",
        TranscriptionState.InProgress => "Transcribing",
        TranscriptionState.ProcessingError => "Retrying after an error",
        TranscriptionState.Completed => "Completed",
        TranscriptionState.CompletedPartially => "Partly completed",
        TranscriptionState.ProcessingFail => "Failed",
        TranscriptionState.Cancelled => "Cancelled",
        _ => state,
    };
}

/// <summary>The caption rules an export or check used (the API's defaults where none were set).</summary>
public sealed record CaptionRules(int MaxLines, int MaxLineLength, double MaxCharsPerSecond, double MinDurationSecs, double MaxDurationSecs, double MaxPauseSecs);

public sealed record BrokenCue(int Number, double Start, double End, string Text, IReadOnlyList<string> Broken);

public sealed record CaptionCheck(CaptionRules Rules, int CueCount, IReadOnlyList<BrokenCue> BrokenCues);

public sealed record Chapter(int Number, double Start, double End, string Title, bool Edited);
