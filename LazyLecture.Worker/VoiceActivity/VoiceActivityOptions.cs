using System.ComponentModel.DataAnnotations;

namespace LazyLecture.Worker.VoiceActivity;

/// <summary>
/// Voice activity detection (section <c>VoiceActivity</c>): Silero VAD's model and the parameters of silero's reference
/// <c>get_speech_timestamps</c>; and how chunks are placed in the pauses it finds. The defaults are faster-whisper's for
/// transcription (silero's own, 100 ms of silence and 30 ms of padding, cut speech at every breath: a transcriber wants
/// phrases, with their soft edges).
/// </summary>
public sealed class VoiceActivityOptions
{
    public const string Section = "VoiceActivity";

    /// <summary>False: no detection at all (every job runs as with its detection turned off).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A Silero VAD ONNX file to use as is; when set, nothing is downloaded.</summary>
    public string? ModelPath { get; set; }

    /// <summary>Where the official model (Silero VAD v5.1.2's silero_vad.onnx) is downloaded from; its SHA-256 is checked.</summary>
    public string DownloadUrl { get; set; } = Engines.Whisper.WhisperModelCatalog.VoiceActivityModelUrl;

    /// <summary>A window whose speech probability reaches this is speech.</summary>
    [Range(0.0, 1.0)]
    public float Threshold { get; set; } = 0.5f;

    /// <summary>Speech shorter than this is dropped (a click, a cough).</summary>
    [Range(0, 60_000)]
    public int MinSpeechDurationMs { get; set; } = 250;

    /// <summary>Speech ends only after this much silence.</summary>
    [Range(0, 60_000)]
    public int MinSilenceDurationMs { get; set; } = 2000;

    /// <summary>Each speech region is widened by this much on both sides (so that soft word edges are kept).</summary>
    [Range(0, 10_000)]
    public int SpeechPadMs { get; set; } = 400;

    /// <summary>Speech longer than this is split at its last pause over 98 ms (silero's rule); unlimited by default.</summary>
    [Range(1.0, double.PositiveInfinity)]
    public double MaxSpeechDurationSecs { get; set; } = double.PositiveInfinity;

    /// <summary>A chunk ends in the longest pause within this many seconds of its nominal end (the chunk size's multiple).</summary>
    [Range(0.0, 3600.0)]
    public double ChunkBoundarySearchSecs { get; set; } = 60;

    /// <summary>The parameters for one job: the configuration, or the uploader's own where given.</summary>
    public SpeechDetectionSettings ToSettings() => new(Threshold, MinSpeechDurationMs, MinSilenceDurationMs, SpeechPadMs, MaxSpeechDurationSecs);
}

/// <summary>The parameters of silero's <c>get_speech_timestamps</c> (neg_threshold = threshold − 0.15, at least 0.01).</summary>
public sealed record SpeechDetectionSettings(float Threshold, int MinSpeechDurationMs, int MinSilenceDurationMs, int SpeechPadMs, double MaxSpeechDurationSecs)
{
    public static SpeechDetectionSettings Default { get; } = new VoiceActivityOptions().ToSettings();

    /// <summary>silero's own defaults in <c>get_speech_timestamps</c>.</summary>
    public static SpeechDetectionSettings Silero { get; } = new(0.5f, 250, 100, 30, double.PositiveInfinity);

    public float NegativeThreshold => Math.Max(0.01f, Threshold - 0.15f);
}
