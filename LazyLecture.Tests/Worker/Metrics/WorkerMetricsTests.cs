using LazyLecture.Contracts;
using Aspire.Hosting;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Worker.Metrics;

/// <summary>An application whose consuming worker exports its telemetry over OTLP to a receiver in the test.</summary>
public sealed class WorkerMetricsFixture : OwnApplicationFixture, IAsyncDisposable
{
    public OtlpMetricsReceiver Receiver { get; } = new();

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        var worker = Project(builder, ResourceNames.Worker);
        worker.WithEnvironment("Worker__ConsumeJobs", "true");
        worker.WithEnvironment("Worker__Engine", "pocketsphinx");
        worker.WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", Receiver.Endpoint);
        worker.WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        worker.WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL", "1000");
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

/// <summary>The worker's own metrics (jobs, audio seconds, real-time factor) arrive through the OpenTelemetry pipeline with the values of the work done.</summary>
public sealed class WorkerMetricsTests(WorkerMetricsFixture metrics) : IClassFixture<WorkerMetricsFixture>
{
    [Fact]
    public async Task A_transcribed_job_shows_in_the_exported_job_audio_and_rtf_metrics()
    {
        using var api = new ApiSession(metrics.AsFixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        await Eventually.MatchesAsync(() => api.GetTranscriptionAsync(tokens.Access, id), t => t["current_state"]!.GetValue<string>() == "completed",
            TimeSpan.FromMinutes(4), $"transcription {id} completed");

        var receiver = metrics.Receiver;
        await Eventually.MatchesAsync(() => Task.FromResult(receiver.Sum("lazylecture.jobs.completed")), completed => completed >= 1,
            TimeSpan.FromSeconds(30), "lazylecture.jobs.completed exported");

        Assert.Equal(1, receiver.Sum("lazylecture.jobs.started"));
        Assert.Equal(1, receiver.Sum("lazylecture.jobs.completed"));
        Assert.InRange(receiver.Sum("lazylecture.audio.transcribed") ?? 0, 10.5, 11.5); // jfk.wav is 11 s, one chunk
        var rtf = receiver.Histogram("lazylecture.transcription.rtf");
        Assert.NotNull(rtf);
        Assert.Equal(1UL, rtf.Value.Count);
        Assert.True(rtf.Value.Sum > 0, "the real-time factor of the chunk is recorded");
    }
}
