namespace LazyLecture.Worker.Engines.Whisper;

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
    public string CacheDirectory { get; set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "lazylecture", "models");

    /// <summary>The official ggml model repository.</summary>
    public string DownloadBaseUrl { get; set; } = "https://huggingface.co/ggerganov/whisper.cpp/resolve/main";

    /// <summary>Offline machines must not hang: give up on a download that cannot connect within this time.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Threads per transcription; jobs at once times this should not exceed the cores.</summary>
    public int Threads { get; set; } = Environment.ProcessorCount;

    /// <summary>Greedy decoding at temperature 0 only, as whisper-cli's <c>-nf</c> (no temperature fall-back).</summary>
    public bool NoFallback { get; set; }

    /// <summary>Spoken language (<c>en</c>, …) or <c>auto</c> to detect it (multilingual models only).</summary>
    public string Language { get; set; } = "en";
}
