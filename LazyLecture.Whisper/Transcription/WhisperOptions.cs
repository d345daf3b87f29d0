namespace LazyLecture.Whisper.Transcription;

/// <summary>How to transcribe; defaults are whisper.cpp's (greedy at temperature 0 with fallback, timestamps on).</summary>
public sealed record WhisperOptions
{
    public int Threads { get; init; } = Math.Min(4, Environment.ProcessorCount);

    /// <summary>Language code ("en", "de", …) or "auto" to detect it on multilingual models; English-only models always use English.</summary>
    public string Language { get; init; } = "en";

    /// <summary>Translate into English instead of transcribing (multilingual models only).</summary>
    public bool Translate { get; init; }

    /// <summary>Decode once at <see cref="Temperature"/>; never retry at higher temperatures.</summary>
    public bool NoFallback { get; init; }

    public float Temperature { get; init; }

    public float TemperatureIncrement { get; init; } = 0.2f;

    /// <summary>Candidates sampled per window when the temperature is above zero.</summary>
    public int BestOf { get; init; } = 5;

    /// <summary>
    /// Beams per window at temperature 0: above 1, whisper.cpp's beam search (whisper-cli's default is 5, and so is the
    /// worker's); 1 decodes greedily, as whisper.cpp's library default does. With beam search the fallback temperatures
    /// run <see cref="BestOf"/> beams.
    /// </summary>
    public int BeamSize { get; init; } = 1;

    /// <summary>Maximum tokens per window (0: the model's limit, n_text_ctx/2 - 4).</summary>
    public int MaxTokensPerWindow { get; init; }

    /// <summary>Do not condition a window on the text of the previous ones.</summary>
    public bool NoContext { get; init; }

    /// <summary>At most this many previous tokens are used as prompt (also capped at n_text_ctx/2).</summary>
    public int MaxTextContext { get; init; } = 16384;

    /// <summary>Token ids placed before the first window's prompt, as whisper.cpp's prompt_tokens.</summary>
    public IReadOnlyList<int> PromptTokens { get; init; } = [];

    public float EntropyThreshold { get; init; } = 2.4f;

    public float LogProbabilityThreshold { get; init; } = -1.0f;

    public float NoSpeechThreshold { get; init; } = 0.6f;

    /// <summary>openai/whisper's compression-ratio fallback test (e.g. 2.4); null uses whisper.cpp's entropy test only.</summary>
    public double? CompressionRatioThreshold { get; init; }

    public bool SuppressBlank { get; init; } = true;

    public bool SuppressNonSpeechTokens { get; init; }

    public float MaxInitialTimestamp { get; init; } = 1.0f;

    public bool NoTimestamps { get; init; }

    public bool SingleSegment { get; init; }

    /// <summary>Time every word (whisper.cpp's token_timestamps); costs a pass over the samples' energy per transcription.</summary>
    public bool WordTimestamps { get; init; } = true;

    /// <summary>Where word edges look up the signal's energy: see <see cref="WordEnergyAlignment"/>.</summary>
    public WordEnergyAlignment WordEnergyAlignment { get; init; } = WordEnergyAlignment.SegmentRelative;

    /// <summary>The temperatures tried in order: t0, t0 + inc, … up to 1.0 (whisper.cpp's list).</summary>
    public IReadOnlyList<float> Temperatures()
    {
        if (NoFallback || TemperatureIncrement <= 0f)
        {
            return [Temperature];
        }

        var list = new List<float>();
        for (var t = Temperature; t < 1.0f + 1e-6f; t += TemperatureIncrement)
        {
            list.Add(t);
        }

        return list;
    }
}

/// <summary>
/// whisper.cpp moves each word's edges to where the signal's energy crosses half its local mean. In v1.7.5 it looked
/// the energy up at the word's time in the audio (<see cref="Absolute"/>); the v1.8.5 that Whisper.net 1.9.1 bundles (and
/// v1.9.1 still) looks it up at the word's time relative to its segment's start (<see cref="SegmentRelative"/>), which
/// is the same for a segment starting at 0 and differs for later segments. The default follows Whisper.net, so that both
/// runtimes of the worker give the same words.
/// </summary>
public enum WordEnergyAlignment
{
    SegmentRelative,
    Absolute,
}

