using System.Diagnostics.Metrics;

namespace LazyLecture.Worker.Jobs;

/// <summary>The worker's own metrics (meter <c>LazyLecture.Worker</c>), exported with the service defaults' OpenTelemetry.</summary>
public sealed class WorkerMetrics
{
    public const string MeterName = "LazyLecture.Worker";

    public WorkerMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        JobsStarted = meter.CreateCounter<long>("lazylecture.jobs.started", description: "Jobs a worker started (or resumed)");
        JobsCompleted = meter.CreateCounter<long>("lazylecture.jobs.completed", description: "Jobs transcribed to the end");
        JobsFailed = meter.CreateCounter<long>("lazylecture.jobs.failed", description: "Job attempts that ended in a processing error");
        AudioSeconds = meter.CreateCounter<double>("lazylecture.audio.transcribed", unit: "s", description: "Seconds of audio transcribed");
        RealTimeFactor = meter.CreateHistogram<double>("lazylecture.transcription.rtf", description: "Processing time divided by audio time, per chunk");
        QueueWait = meter.CreateHistogram<double>("lazylecture.jobs.queue_wait", unit: "s", description: "Time from upload to a worker taking the job");
    }

    public Counter<long> JobsStarted { get; }

    public Counter<long> JobsCompleted { get; }

    public Counter<long> JobsFailed { get; }

    public Counter<double> AudioSeconds { get; }

    public Histogram<double> RealTimeFactor { get; }

    public Histogram<double> QueueWait { get; }
}
