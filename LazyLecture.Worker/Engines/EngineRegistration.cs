using LazyLecture.Worker.Engines.Whisper;
using LazyLecture.Worker.Jobs;
using Microsoft.Extensions.Options;

namespace LazyLecture.Worker.Engines;

public static class EngineRegistration
{
    /// <summary>The engine named by <c>Worker:Engine</c>, created once when the first job needs it (a model may have to be downloaded).</summary>
    public static IServiceCollection AddTranscriptionEngine(this IServiceCollection services)
    {
        services.AddWhisperModelProvider();
        services.AddOptions<PocketSphinx.PocketSphinxOptions>().BindConfiguration(PocketSphinx.PocketSphinxOptions.Section);
        services.AddSingleton<EngineHolder>();
        return services;
    }

    /// <summary>The one model provider with its settings (<c>Engines:Whisper</c>, <c>VoiceActivity</c>): the worker's and ./run.sh's (<see cref="WhisperModelCommand"/>).</summary>
    public static IServiceCollection AddWhisperModelProvider(this IServiceCollection services)
    {
        services.AddOptions<WhisperEngineOptions>().BindConfiguration(WhisperEngineOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<VoiceActivity.VoiceActivityOptions>().BindConfiguration(VoiceActivity.VoiceActivityOptions.Section).ValidateDataAnnotations();
        services.AddSingleton<WhisperModelProvider>();
        // A model is hundreds of MB: the connect time-out (WhisperEngineOptions.ConnectTimeout) guards offline machines instead.
        services.AddHttpClient(WhisperModelProvider.DownloadClient, http => http.Timeout = Timeout.InfiniteTimeSpan);
        return services;
    }
}

/// <summary>Creates the configured engine once, on first use, and shares it.</summary>
public sealed class EngineHolder(IServiceProvider services, IOptions<WorkerOptions> options, ILogger<EngineHolder> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ITranscriptionEngine? _engine;

    public async Task<ITranscriptionEngine> GetAsync(CancellationToken cancellationToken)
    {
        if (_engine is not null)
        {
            return _engine;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_engine is null)
            {
                _engine = await EngineCatalog.CreateAsync(options.Value.Engine, services, logger, cancellationToken);
                logger.LogInformation("Transcription engine: {Engine}", _engine.Name);
            }

            return _engine;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _engine?.Dispose();
        _gate.Dispose();
    }
}
