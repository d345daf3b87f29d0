namespace LazyLecture.AppHost.Infrastructure;

/// <summary>The Whisper model file the worker runs (<c>AppHost:WhisperModelPath</c>, set by run.sh) and the name the API advertises for it.</summary>
public static class WhisperModelSetting
{
    public static string WhisperModelPath(this IDistributedApplicationBuilder builder) => builder.Configuration["AppHost:WhisperModelPath"] ?? "";

    /// <summary>The Silero VAD file the worker detects speech with (<c>AppHost:VoiceActivityModelPath</c>, set by run.sh); empty: the worker provides it.</summary>
    public static string VoiceActivityModelPath(this IDistributedApplicationBuilder builder) => builder.Configuration["AppHost:VoiceActivityModelPath"] ?? "";

    /// <summary><c>ggml-base.en.bin</c> → <c>base.en</c>: the name OpenAI-compatible clients see on <c>/v1/models</c>.</summary>
    public static string? WhisperModelName(this IDistributedApplicationBuilder builder) =>
        Path.GetFileNameWithoutExtension(builder.WhisperModelPath()) is { Length: > 0 } name
            ? name.StartsWith("ggml-", StringComparison.Ordinal) ? name["ggml-".Length..] : name
            : null;
}
