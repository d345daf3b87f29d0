using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Worker.Metrics;

/// <summary>
/// The worker's own metrics (jobs, audio seconds, real-time factor) arrive through the OpenTelemetry pipeline with the values
/// of the work done. The pipeline application's workers have run other tests' jobs before: the test counts what its own job
/// added, once the counters have stopped moving (the tests of one collection run one at a time).
/// </summary>
[Collection(nameof(WorkerPipeline))]
public sealed class WorkerMetricsTests(WorkerPipelineFixture pipeline)
{
    private static readonly string[] Counters = ["lazylecture.jobs.started", "lazylecture.jobs.completed", "lazylecture.audio.transcribed"];

    private const string RealTimeFactor = "lazylecture.transcription.rtf";

    [Fact]
    public async Task A_transcribed_job_shows_in_the_exported_job_audio_and_rtf_metrics()
    {
        var receiver = pipeline.WorkerTelemetry;
        var before = await SettledAsync(receiver);
        using var api = new ApiSession(pipeline.AsFixture);
        var (_, tokens) = await api.NewUploaderAsync();
        // one chunk for the whole of jfk.wav (the application's default is 10-second chunks)
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk, path: "/api/v1/transcriptions?chunk_size_secs=900");
        await Eventually.MatchesAsync(() => api.GetTranscriptionAsync(tokens.Access, id), t => t["current_state"]!.GetValue<string>() == "completed",
            TimeSpan.FromMinutes(4), $"transcription {id} completed");

        await Eventually.MatchesAsync(() => Task.FromResult(receiver.Sum("lazylecture.jobs.completed") ?? 0), completed => completed >= before.Completed + 1,
            TimeSpan.FromSeconds(30), "lazylecture.jobs.completed exported");
        var after = await SettledAsync(receiver);

        Assert.Equal(1, after.Started - before.Started);
        Assert.Equal(1, after.Completed - before.Completed);
        Assert.InRange(after.Audio - before.Audio, 10.5, 11.5); // jfk.wav is 11 s, one chunk
        Assert.Equal(1UL, after.RtfCount - before.RtfCount);
        Assert.True(after.RtfSum - before.RtfSum > 0, "the real-time factor of the chunk is recorded");
    }

    private sealed record Totals(double Started, double Completed, double Audio, ulong RtfCount, double RtfSum);

    private static Totals Read(OtlpMetricsReceiver receiver)
    {
        var rtf = receiver.Histogram(RealTimeFactor) ?? (0, 0);
        return new(receiver.Sum(Counters[0]) ?? 0, receiver.Sum(Counters[1]) ?? 0, receiver.Sum(Counters[2]) ?? 0, rtf.Count, rtf.Sum);
    }

    /// <summary>The totals once three export intervals in a row (1 s each) have brought no change.</summary>
    private static async Task<Totals> SettledAsync(OtlpMetricsReceiver receiver)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        var last = Read(receiver);
        var unchanged = 0;
        while (unchanged < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the workers' metrics kept changing for a minute: {last}");
            await Task.Delay(TimeSpan.FromSeconds(1), ApiSession.Cancellation);
            var now = Read(receiver);
            unchanged = now == last ? unchanged + 1 : 0;
            last = now;
        }

        return last;
    }
}
