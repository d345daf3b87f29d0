using System.ComponentModel.DataAnnotations;
using LazyLecture.Whisper.Transcription;

namespace LazyLecture.Worker.Engines.Whisper;

/// <summary>Which implementation runs a Whisper model: this repository's managed engine, Whisper.net (whisper.cpp), or the faster on this CPU.</summary>
public enum WhisperRuntime
{
    Auto,
    Managed,
    WhisperNet,
}

/// <summary>The Whisper engine's settings (section <c>Engines:Whisper</c>).</summary>
public sealed class WhisperEngineOptions
{
    public const string Section = "Engines:Whisper";

    /// <summary>A ggml model file to use as is; when set, nothing is downloaded.</summary>
    public string? ModelPath { get; set; }

    /// <summary>The official model to download when no path is given (tiny.en, base.en, small.en, …).</summary>
    public string Model { get; set; } = "base.en";

    /// <summary>
    /// The SHA-1 of a model the built-in catalog does not list (a mirror's own build, say), so that it too is downloaded
    /// and checked; when set it is used instead of the catalog's.
    /// </summary>
    public string? ModelSha1 { get; set; }

    /// <summary>Where downloaded models are kept between runs.</summary>
    public string CacheDirectory { get; set; } = WhisperModelCatalog.DefaultCacheDirectory();

    /// <summary>The official ggml model repository.</summary>
    public string DownloadBaseUrl { get; set; } = WhisperModelCatalog.BaseUrl;

    /// <summary>Offline machines must not hang: give up on a download that cannot connect within this time.</summary>
    public TimeSpan ConnectTimeout { get; set; } = WhisperModelCatalog.ConnectTimeout;

    /// <summary>Threads per transcription; jobs at once times this should not exceed the cores.</summary>
    public int Threads { get; set; } = Environment.ProcessorCount;

    /// <summary>Greedy decoding at temperature 0 only, as whisper-cli's <c>-nf</c> (no temperature fall-back).</summary>
    public bool NoFallback { get; set; }

    /// <summary>Spoken language (<c>en</c>, …) or <c>auto</c> to detect it (multilingual models only).</summary>
    public string Language { get; set; } = "en";

    /// <summary><c>managed</c>, <c>whispernet</c> or <c>auto</c> (see <see cref="WhisperRuntimeChoice"/>).</summary>
    public WhisperRuntime Runtime { get; set; } = WhisperRuntime.Auto;

    /// <summary>First decoding temperature; with fall-back, retried at +0.2 steps up to 1.0 when a window fails whisper.cpp's checks.</summary>
    public float Temperature { get; set; }

    /// <summary>Candidates sampled per window above temperature 0 (whisper.cpp's best_of).</summary>
    public int BestOf { get; set; } = 5;

    /// <summary>
    /// Beams per window (whisper.cpp's beam search, whisper-cli's default of 5); 1 decodes greedily. At most 8: whisper.cpp
    /// keeps no more decoders (WHISPER_MAX_DECODERS).
    /// </summary>
    [Range(1, MaxDecoders)]
    public int BeamSize { get; set; } = 5;

    /// <summary>whisper.cpp's WHISPER_MAX_DECODERS.</summary>
    public const int MaxDecoders = 8;

    /// <summary>A window whose no-speech probability is above this (and whose text is unlikely) gives no segments.</summary>
    public float NoSpeechThreshold { get; set; } = 0.6f;

    /// <summary>Decode each window without the previous windows' text as prompt.</summary>
    public bool NoContext { get; set; }

    /// <summary>The same settings for the managed engine.</summary>
    public WhisperOptions ToManagedOptions() => new()
    {
        Threads = Math.Max(1, Threads),
        Language = Language,
        NoFallback = NoFallback,
        Temperature = Temperature,
        BestOf = Math.Max(1, BestOf),
        BeamSize = BeamSize,
        NoSpeechThreshold = NoSpeechThreshold,
        NoContext = NoContext,
        WordTimestamps = true,
    };
}
