namespace LazyLecture.Whisper.Transcription;

/// <summary>A stretch of speech: start and end in seconds from the start of the audio, its text and text tokens.</summary>
public sealed record TranscriptSegment(
    double Start,
    double End,
    string Text,
    IReadOnlyList<int> Tokens,
    IReadOnlyList<float> TokenProbabilities,
    float NoSpeechProbability)
{
    /// <summary>The words with their times (whisper.cpp's token-level timestamps); empty when word timestamps are off.</summary>
    public IReadOnlyList<TranscriptWord> Words { get; init; } = [];

    /// <summary>Every token id the segment was decoded from, its timestamp tokens included (openai/whisper's segment tokens).</summary>
    public IReadOnlyList<int> DecodedTokens { get; init; } = [];

    /// <summary>How the window this segment came from was decoded; every segment of a window shares it.</summary>
    public WindowStatistics? Window { get; init; }
}

/// <summary>
/// One window's decoding figures, the ones openai/whisper reports per segment: where the window starts (10 ms frames from
/// the start of the samples), the temperature its result was accepted at, the average log-probability of its tokens
/// (whisper.cpp's sum / length, the value the fall-back compares with its threshold; for a window that failed every
/// temperature, the mean over all its sampled tokens), the zlib compression ratio of its text
/// (openai/whisper's repetition measure) and the probability of no speech from the prompt's logits.
/// </summary>
public sealed record WindowStatistics(int Seek, float Temperature, double AverageLogProbability, double CompressionRatio, float NoSpeechProbability);

/// <summary>How far a transcription has come, in seconds of audio.</summary>
public sealed record TranscriptionProgress(double ProcessedSeconds, double TotalSeconds, int WindowsDone)
{
    public double Fraction => TotalSeconds <= 0 ? 1 : Math.Min(1, ProcessedSeconds / TotalSeconds);
}

/// <summary>The language a multilingual model heard in the first window, and its probability among all languages.</summary>
public sealed record LanguageDetection(string Code, string Name, float Probability);

/// <summary>A whole transcription: language used (detected or given) and all segments.</summary>
public sealed record TranscriptionResult(
    string Language,
    LanguageDetection? Detection,
    IReadOnlyList<TranscriptSegment> Segments,
    TranscriptionStatistics Statistics)
{
    public string Text => string.Concat(Segments.Select(s => s.Text));
}

/// <summary>Where the time went, in whisper.cpp's terms.</summary>
public sealed record TranscriptionStatistics
{
    public TimeSpan MelTime { get; init; }
    public TimeSpan EncodeTime { get; init; }
    public int Windows { get; init; }
    public TimeSpan PromptTime { get; init; }
    public int PromptTokens { get; init; }
    public TimeSpan DecodeTime { get; init; }
    public int DecodedTokens { get; init; }

    /// <summary>
    /// Beams, and best-of candidates at fallback temperatures, decoded together (whisper.cpp's batchd time, with the moves
    /// of the beams' KV caches), in tokens; <see cref="BatchSteps"/> counts the passes, each one token for every beam.
    /// </summary>
    public TimeSpan BatchTime { get; init; }
    public int BatchTokens { get; init; }
    public int BatchSteps { get; init; }
    public TimeSpan LanguageDetectionTime { get; init; }

    /// <summary>Logit filters, sampling and bookkeeping between decoder calls (whisper.cpp's sample time).</summary>
    public TimeSpan SampleTime { get; init; }
    public TimeSpan TotalTime { get; init; }
    public double AudioSeconds { get; init; }
}
