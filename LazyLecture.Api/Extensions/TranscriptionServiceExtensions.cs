using LazyLecture.Api.Outbox;
using LazyLecture.Api.Transcriptions;
using LazyLecture.Api.Transcriptions.Audio;
using LazyLecture.Api.Transcriptions.Intake;
using LazyLecture.Api.Transcriptions.Corrections;
using LazyLecture.Api.Transcriptions.Internal;
using LazyLecture.Api.Transcriptions.Live;
using LazyLecture.Api.Transcriptions.Review;
using LazyLecture.Api.Transcriptions.Search;

namespace LazyLecture.Api.Extensions;

public static class TranscriptionServiceExtensions
{
    public static IHostApplicationBuilder AddTranscriptions(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TranscriptionOptions>().BindConfiguration(TranscriptionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AudioStoreOptions>().BindConfiguration(AudioStoreOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WorkerAccessOptions>().BindConfiguration(WorkerAccessOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IAudioStore, FileSystemAudioStore>();
        services.AddSingleton<IAudioProbe, FfprobeAudioProbe>();
        services.AddSingleton<UploadIntake>();
        services.AddScoped<TranscriptionUploads>();
        services.AddScoped<UserTranscriptions>();
        services.AddScoped<TranscriptSearch>();
        services.AddScoped<SegmentCorrections>();
        services.AddScoped<SegmentReviews>();
        services.AddScoped<Chapters.LectureTerms>();
        services.AddScoped<Chapters.LectureChapters>();
        services.AddScoped<WorkerJobs>();
        services.AddScoped<OutboxWriter>();
        services.AddSingleton<OutboxSignal>();
        services.AddScoped<WorkerKeyFilter>();
        services.AddScoped<LiveTranscriptions>();
        services.AddSingleton<TranscriptionEventHub>();
        services.AddSingleton<LiveStreamQuota>();
        services.AddHostedService<AbandonedUploadSweep>();
        services.AddHostedService<OutboxDispatcher>();
        services.AddHostedService<TranscriptionEventListener>();

        return builder;
    }
}
