namespace LazyLecture.Contracts.Jobs;

/// <summary>Paths of the API's worker endpoints (worker key in the <see cref="KeyHeader"/> header).</summary>
public static class WorkerApi
{
    public const string KeyHeader = "X-Worker-Key";

    public const string Jobs = "/internal/v1/transcriptions";

    public static string Job(int id) => $"{Jobs}/{id}";

    public static string Audio(int id) => $"{Job(id)}/audio";

    public static string State(int id) => $"{Job(id)}/state";

    public static string Progress(int id) => $"{Job(id)}/progress";

    public static string Chunk(int id, int chunkNo) => $"{Job(id)}/chunks/{chunkNo}";

    /// <summary>The segments of a chunk still being transcribed, so far (replaced by each report, dropped when the chunk is saved).</summary>
    public static string PartialChunk(int id, int chunkNo) => $"{Chunk(id, chunkNo)}/partial";

    /// <summary>How the worker runs the job: the engine (and runtime), whether with voice activity detection, how much speech it found.</summary>
    public static string Run(int id) => $"{Job(id)}/run";
}

/// <summary>
/// A job as the worker sees it: state, audio length, chunk size and the chunks already saved (to resume), with the text of
/// the last of them, which conditions the next chunk's first window on a resumed job as it would have on an uninterrupted one.
/// </summary>
public sealed record WorkerJobView(
    int Id,
    int CreatorId,
    TranscriptionState CurrentState,
    double AudioLenSecs,
    double ChunkSizeSecs,
    int ErrorCount,
    double ProgressSecs,
    IReadOnlyList<int> SavedChunks,
    DecodingOptions? Decoding = null,
    VoiceActivityRequest? VoiceActivity = null,
    string? LastSavedChunkText = null);

/// <summary>
/// The uploader's voice activity choices: off, or on with the worker's settings, or on with OpenAI's <c>server_vad</c>
/// parameters (speech threshold 0–1, padding before speech, silence that ends speech); null fields mean the worker's settings.
/// </summary>
public sealed record VoiceActivityRequest(bool Enabled, float? Threshold = null, int? PrefixPaddingMs = null, int? SilenceDurationMs = null)
{
    public static VoiceActivityRequest Default { get; } = new(true);
}

/// <summary>
/// What the worker tells of how it runs a job: its engine (<c>whisper (managed)</c>, <c>whisper (whisper.net)</c>,
/// <c>pocketsphinx</c>), whether voice activity detection ran, the seconds of speech it found, and why not when it did not
/// (turned off for the job, or no model on the worker).
/// </summary>
public sealed record JobRunReport(string Engine, bool Detected, double? SpeechSecs, string? Reason);

/// <summary>
/// Where a chunk may start and end. The original cut chunk N at exactly N × chunk size; the worker moves each cut into a
/// pause at most half a chunk away, so chunk numbers keep their meaning and every chunk keeps a real start and end.
/// </summary>
public static class ChunkBounds
{
    /// <summary>Rounding of times between processes (milliseconds in JSON, floats in engines).</summary>
    public const double ToleranceSecs = 0.01;

    /// <summary>The furthest a cut may move from its fixed offset.</summary>
    public static double MaxShiftSecs(double chunkSizeSecs) => chunkSizeSecs / 2;

    /// <summary>Whether chunk <paramref name="chunkNo"/> may run from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public static bool IsPlausible(int chunkNo, double start, double end, double chunkSizeSecs, double audioLenSecs)
    {
        var shift = MaxShiftSecs(chunkSizeSecs) + ToleranceSecs;
        var nominalStart = chunkNo * chunkSizeSecs;
        var nominalEnd = Math.Min((chunkNo + 1) * chunkSizeSecs, audioLenSecs);
        return double.IsFinite(start) && double.IsFinite(end) && start >= 0 && start < end && end <= audioLenSecs + ToleranceSecs
            && Math.Abs(start - nominalStart) <= shift && Math.Abs(end - nominalEnd) <= shift;
    }

    /// <summary>Whether a segment from <paramref name="start"/> to <paramref name="end"/> lies inside its chunk.</summary>
    public static bool Contains(double chunkStart, double chunkEnd, double start, double end) =>
        start >= chunkStart - ToleranceSecs && end <= chunkEnd + ToleranceSecs;
}

/// <summary>
/// The uploader's decoding choices (the OpenAI-compatible route's <c>language</c>, <c>prompt</c>, <c>temperature</c>, and
/// translation into English); null fields mean the worker's configured defaults.
/// </summary>
public sealed record DecodingOptions(string? Language, string? Prompt, float? Temperature, bool Translate)
{
    public static DecodingOptions Default { get; } = new(null, null, null, false);
}

/// <summary>
/// A state the worker reports: in_progress when it starts, processing_error on a failure, completed at the end. With
/// in_progress, <see cref="PromptSupported"/> false says the engine cannot use a prompt (PocketSphinx), so the job ran without one.
/// </summary>
public sealed record StateReport(TranscriptionState State, string? Error, bool? PromptSupported = null);

public sealed record ProgressReport(double Seconds);

/// <summary>A timed word of a segment: seconds from the start of the recording, its text and the engine's confidence (0–1).</summary>
public sealed record SegmentWord(double Start, double End, string Text, double Probability);

/// <summary>
/// How Whisper decoded the window a segment came from, as OpenAI's <c>verbose_json</c> reports it: the segment's token ids
/// (its timestamp tokens included), the window's start in 10 ms frames from the start of the recording, the temperature the
/// window was accepted at, its average log-probability, the gzip compression ratio of its text and the probability of
/// no speech. A field the engine cannot tell is null (PocketSphinx has no Whisper tokens, whisper.cpp does not say the
/// temperature it settled on).
/// </summary>
public sealed record SegmentDecoding(
    IReadOnlyList<int> Tokens,
    int? Seek,
    float? Temperature,
    double? AvgLogprob,
    double? CompressionRatio,
    double? NoSpeechProb);

/// <summary>
/// A segment as the worker saves it; <see cref="Words"/> is null or empty when the engine gave no word times,
/// <see cref="Decoding"/> null when it gave no decoding statistics.
/// </summary>
public sealed record SegmentInput(double Start, double End, string Text, IReadOnlyList<SegmentWord>? Words = null, SegmentDecoding? Decoding = null);

/// <summary>
/// A chunk's text and segments, with its real start and end in seconds from the start of the recording (its cut lies in a
/// pause); every segment lies between them. Without them the API takes the original's fixed bounds.
/// </summary>
public sealed record ChunkInput(string Text, IReadOnlyList<SegmentInput>? Segments, double? Start = null, double? End = null);

/// <summary>Why a job ran without voice activity detection, as the job detail shows it.</summary>
public static class VoiceActivityReasons
{
    public const string TurnedOff = "turned off for this job";

    public const string NoModel = "no voice activity model on the worker";
}
