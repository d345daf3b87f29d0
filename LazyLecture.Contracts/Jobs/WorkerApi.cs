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
}

/// <summary>A job as the worker sees it: state, audio length, chunk size and the chunks already saved (to resume).</summary>
public sealed record WorkerJobView(
    int Id,
    int CreatorId,
    TranscriptionState CurrentState,
    double AudioLenSecs,
    double ChunkSizeSecs,
    int ErrorCount,
    double ProgressSecs,
    IReadOnlyList<int> SavedChunks,
    DecodingOptions? Decoding = null);

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

public sealed record ChunkInput(string Text, IReadOnlyList<SegmentInput>? Segments);
