namespace LazyLecture.Worker.Engines;

/// <summary>The engines the worker knows, by configuration name.</summary>
public static class EngineCatalog
{
    public static ITranscriptionEngine Create(string name, IServiceProvider services, ILogger logger) =>
        name.ToLowerInvariant() switch
        {
            _ => throw new InvalidOperationException($"Unknown transcription engine '{name}': use whisper or pocketsphinx."),
        };
}
