using LazyLecture.Worker.Jobs;
using Microsoft.Extensions.Options;

namespace LazyLecture.Worker.Engines;

public static class EngineRegistration
{
    /// <summary>The engine named by <c>Worker:Engine</c>; Whisper falls back to PocketSphinx, with one clear message, when it has no model.</summary>
    public static IServiceCollection AddTranscriptionEngine(this IServiceCollection services)
    {
        services.AddSingleton<ITranscriptionEngine>(provider =>
        {
            var name = provider.GetRequiredService<IOptions<WorkerOptions>>().Value.Engine;
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EngineRegistration));
            var engine = EngineCatalog.Create(name, provider, logger);
            logger.LogInformation("Transcription engine: {Engine}", engine.Name);
            return engine;
        });
        return services;
    }
}
