using System.Globalization;
using LazyLecture.Contracts;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Worker.Metrics;

namespace LazyLecture.Tests.Worker;

/// <summary>
/// The application whose workers really transcribe with PocketSphinx (its words and times on the shared speech are real;
/// the shared Whisper models have random weights), for every test where the API, the workers, the web app and the
/// telemetry must talk: two workers that consume jobs (the suite's shared application keeps its worker idle so API tests
/// can drive jobs by hand); 10-second chunks by default, so a half-minute recording reaches the web app as several chunks
/// and partial results while it is transcribed (tests that need one chunk ask for a chunk size); the workers export their
/// metrics to <see cref="WorkerTelemetry"/> and the web app everything to <see cref="WebTelemetry"/>, where tests look
/// for the work done and for secrets that must not be there.
/// </summary>
public sealed class WorkerPipelineFixture : OwnApplicationFixture, IAsyncDisposable
{
    public const int WorkerReplicas = 2;

    public const int ChunkSizeSecs = 10;

    /// <summary>The workers' OpenTelemetry exports (OTLP), as the dashboard would receive them.</summary>
    public OtlpMetricsReceiver WorkerTelemetry { get; } = new();

    /// <summary>Everything the web app's traces, logs and metrics said (OTLP).</summary>
    public OtlpMetricsReceiver WebTelemetry { get; } = new();

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        Project(builder, ResourceNames.Api).WithEnvironment("Transcriptions__ChunkSizeSecs", ChunkSizeSecs.ToString(CultureInfo.InvariantCulture));
        var worker = Project(builder, ResourceNames.Worker);
        worker.WithReplicas(WorkerReplicas);
        worker.WithEnvironment("Worker__ConsumeJobs", "true");
        worker.WithEnvironment("Worker__Engine", "pocketsphinx");
        ExportTelemetry(worker, WorkerTelemetry);
        ExportTelemetry(Project(builder, ResourceNames.Web), WebTelemetry);
    }

    private static void ExportTelemetry(IResourceBuilder<ProjectResource> project, OtlpMetricsReceiver receiver) => project
        .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.Endpoint)
        .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
        .WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL", "1000")
        .WithEnvironment("OTEL_BSP_SCHEDULE_DELAY", "500")
        .WithEnvironment("OTEL_BLRP_SCHEDULE_DELAY", "500");

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DisposeAsync();
        await WorkerTelemetry.DisposeAsync();
        await WebTelemetry.DisposeAsync();
    }
}
