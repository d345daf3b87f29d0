using System.ComponentModel.DataAnnotations;

namespace LazyLecture.Api.OpenAi;

/// <summary>The OpenAI-compatible routes (section <c>OpenAi</c>).</summary>
public sealed class OpenAiOptions
{
    public const string Section = "OpenAi";

    /// <summary>
    /// The model the workers run (their <c>Engines:Whisper:Model</c>, or the model file's name), listed by <c>GET /v1/models</c>.
    /// Requests may name it or one of OpenAI's own models, which all mean this one.
    /// </summary>
    [Required]
    public string Model { get; set; } = "base.en";

    /// <summary>Whether that model knows other languages than English and can translate; by default, unless its name ends in <c>.en</c>.</summary>
    public bool? Multilingual { get; set; }

    /// <summary>How long a call waits for its turn and its transcription before answering with an error that names the transcription.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The shortest recording accepted here: OpenAI's own floor, not the lecture minimum of the upload route.</summary>
    [Range(0.01, 3600)]
    public double MinDurationSecs { get; set; } = 0.1;

    /// <summary>Chunk length of streamed calls: text is saved, and so streamed, one chunk at a time (30 s is one Whisper window).</summary>
    [Range(10, 3600)]
    public double StreamChunkSizeSecs { get; set; } = 30;

    public bool IsMultilingual => Multilingual ?? !Model.EndsWith(".en", StringComparison.OrdinalIgnoreCase);

    /// <summary>OpenAI's transcription models: unmodified clients send these, and they run on <see cref="Model"/>.</summary>
    public static IReadOnlyList<string> OpenAiModelNames { get; } = ["whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe", "gpt-4o-transcribe-diarize"];

    public IEnumerable<string> ModelNames => OpenAiModelNames.Prepend(Model);

    public bool Knows(string model) => ModelNames.Contains(model, StringComparer.OrdinalIgnoreCase);
}
