using LazyLecture.Worker.Audio;
using LazyLecture.Worker.Engines;
using LazyLecture.Worker.Jobs;
using LazyLecture.Worker.VoiceActivity;

namespace LazyLecture.Worker.Extensions;

public static class WorkerServiceExtensions
{
    /// <summary>The job consumer, its processing pipeline, the API client and the configured engine.</summary>
    public static IHostApplicationBuilder AddTranscriptionWorker(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient<TranscriptionApiClient>(http => http.BaseAddress = new Uri("http://api"));
        services.AddSingleton<ChunkDecoder>();
        services.AddSingleton<VoiceActivityDetector>();
        services.AddSingleton<WorkerMetrics>();
        services.AddScoped<TranscriptionJobProcessor>();
        services.AddTranscriptionEngine();
        services.AddHostedService<TranscriptionJobConsumer>();
        return builder;
    }
}
