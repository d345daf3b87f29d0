using LazyLecture.Whisper.Model;
using LazyLecture.Worker.Engines.Whisper;
using Microsoft.Extensions.Options;

namespace LazyLecture.Worker.Engines;

/// <summary>The engines the worker knows, by configuration name, and the fall-back from Whisper to PocketSphinx.</summary>
public static class EngineCatalog
{
    public static async Task<ITranscriptionEngine> CreateAsync(string name, IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        switch (name.ToLowerInvariant())
        {
            case WhisperEngine.EngineName:
                var path = await services.GetRequiredService<WhisperModelProvider>().LocateAsync(cancellationToken);
                if (path is not null)
                {
                    var options = services.GetRequiredService<IOptions<WhisperEngineOptions>>().Value;
                    return WhisperRuntimeChoice.Resolve(options.Runtime, path) == WhisperRuntime.WhisperNet
                        ? new WhisperNet.WhisperNetEngine(path, options)
                        : new WhisperEngine(WhisperModel.Load(path), options, Path.GetFileName(path));
                }

                logger.LogWarning("No Whisper model is available: transcribing with PocketSphinx instead");
                return CreatePocketSphinx(services);
            case "pocketsphinx":
                return CreatePocketSphinx(services);
            default:
                throw new InvalidOperationException($"Unknown transcription engine '{name}': use whisper or pocketsphinx.");
        }
    }

    private static ITranscriptionEngine CreatePocketSphinx(IServiceProvider services) =>
        ActivatorUtilities.CreateInstance<PocketSphinx.PocketSphinxEngine>(services);
}
