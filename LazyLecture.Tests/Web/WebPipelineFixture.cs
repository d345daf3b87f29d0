using Aspire.Hosting;
using Aspire.Hosting.Testing;
using LazyLecture.Contracts;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Worker.Metrics;

namespace LazyLecture.Tests.Web;

/// <summary>
/// An application of the browser tests' own whose worker really transcribes: PocketSphinx, whose words and times on the
/// shared speech are real (the shared Whisper models have random weights), and 10-second chunks, so a half-minute
/// recording reaches the page as several chunks and partial results while it is being transcribed. The web app exports its
/// telemetry to <see cref="WebTelemetry"/>, where tests look for secrets that must not be there.
/// </summary>
public sealed class WebPipelineFixture : OwnApplicationFixture, IAsyncDisposable
{
    public const int ChunkSizeSecs = 10;

    /// <summary>Everything the web app's traces, logs and metrics said (OTLP), as the dashboard would store it.</summary>
    public OtlpMetricsReceiver WebTelemetry { get; } = new();

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        Project(builder, ResourceNames.Api).WithEnvironment("Transcriptions__ChunkSizeSecs", ChunkSizeSecs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var worker = Project(builder, ResourceNames.Worker);
        worker.WithEnvironment("Worker__ConsumeJobs", "true");
        worker.WithEnvironment("Worker__Engine", "pocketsphinx");
        Project(builder, ResourceNames.Web)
            .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", WebTelemetry.Endpoint)
            .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
            .WithEnvironment("OTEL_BSP_SCHEDULE_DELAY", "500")
            .WithEnvironment("OTEL_BLRP_SCHEDULE_DELAY", "500");
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DisposeAsync();
        await WebTelemetry.DisposeAsync();
    }
}
