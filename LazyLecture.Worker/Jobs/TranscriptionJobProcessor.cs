using System.Diagnostics;
using LazyLecture.Contracts;
using LazyLecture.Contracts.Jobs;
using LazyLecture.Contracts.Messaging;
using LazyLecture.Worker.Audio;
using LazyLecture.Worker.Engines;
using Microsoft.Extensions.Options;

namespace LazyLecture.Worker.Jobs;

/// <summary>How a job attempt ended, which decides what happens to its message.</summary>
public enum JobOutcome
{
    /// <summary>Done, cancelled, deleted or already finished: acknowledge.</summary>
    Finished,

    /// <summary>Failed and recorded as processing_error: deliver again later.</summary>
    Retry,
}

/// <summary>
/// Runs one job: chunk by chunk, decode with ffmpeg, transcribe, save. Chunks already saved are skipped, so a job redelivered
/// after a crash resumes where it stopped (a chunk cut short is transcribed again, its partial result with it). While a chunk
/// runs, the segments of each finished engine window are reported as its partial result. Cancellation by the owner is
/// noticed at each progress report.
/// </summary>
public sealed class TranscriptionJobProcessor(
    TranscriptionApiClient api,
    ChunkDecoder decoder,
    EngineHolder engines,
    WorkerMetrics metrics,
    IOptions<WorkerOptions> options,
    ILogger<TranscriptionJobProcessor> logger)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    public async Task<JobOutcome> ProcessAsync(TranscriptionJob job, CancellationToken stopping)
    {
        var view = await api.GetJobAsync(job.TranscriptionId, stopping);
        if (view is null || IsFinished(view.CurrentState))
        {
            logger.LogInformation("Job {TranscriptionId} is {State}: skipped", job.TranscriptionId, view?.CurrentState.ToString() ?? "deleted");
            return JobOutcome.Finished;
        }

        view = await api.ReportStateAsync(job.TranscriptionId, TranscriptionState.InProgress, null, stopping);
        if (view is null)
        {
            return JobOutcome.Finished;
        }

        metrics.JobsStarted.Add(1);
        var audioPath = Path.Combine(options.Value.ScratchDirectory, $"{job.TranscriptionId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(options.Value.ScratchDirectory);
        try
        {
            await api.DownloadAudioAsync(job.TranscriptionId, audioPath, stopping);
            return await TranscribeChunksAsync(view, audioPath, stopping);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            metrics.JobsFailed.Add(1);
            logger.LogError(ex, "Job {TranscriptionId} failed", job.TranscriptionId);
            var after = await api.ReportStateAsync(job.TranscriptionId, TranscriptionState.ProcessingError, ex.Message, CancellationToken.None);
            return after is null || IsFinished(after.CurrentState) ? JobOutcome.Finished : JobOutcome.Retry;
        }
        finally
        {
            File.Delete(audioPath);
        }
    }

    private async Task<JobOutcome> TranscribeChunksAsync(WorkerJobView view, string audioPath, CancellationToken stopping)
    {
        var id = view.Id;
        var lastChunk = (int)Math.Floor(view.AudioLenSecs / view.ChunkSizeSecs);
        using var cancelled = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        for (var chunkNo = 0; chunkNo <= lastChunk; chunkNo++)
        {
            if (view.SavedChunks.Contains(chunkNo))
            {
                continue; // resumed job: this chunk survived the previous attempt
            }

            var chunkStart = chunkNo * view.ChunkSizeSecs;
            var length = Math.Min(view.ChunkSizeSecs, view.AudioLenSecs - chunkStart);
            if (length <= 0)
            {
                break;
            }

            var clock = Stopwatch.StartNew();
            var samples = await decoder.DecodeAsync(audioPath, chunkStart, length, stopping);
            var engine = await engines.GetAsync(stopping);
            if (!engine.TakesPrompt && view.Decoding?.Prompt is not null)
            {
                // Told once: the answer's view carries no prompt any more.
                view = await api.ReportStateAsync(id, TranscriptionState.InProgress, null, stopping, promptSupported: false) ?? view;
            }

            var progress = new ThrottledProgress(api, logger, id, chunkStart, cancelled);
            var segments = new List<SegmentInput>();
            try
            {
                var reported = 0;
                await using var results = engine.TranscribeAsync(samples, view.Decoding ?? DecodingOptions.Default, progress, cancelled.Token).GetAsyncEnumerator(cancelled.Token);
                while (true)
                {
                    var next = results.MoveNextAsync();
                    if (!next.IsCompleted && segments.Count > reported)
                    {
                        // The engine hands over a window's segments together and is now computing the next window: what it
                        // produced so far is reported as the chunk's partial result while it works.
                        await ReportPartialAsync(id, chunkNo, segments, stopping);
                        reported = segments.Count;
                    }

                    if (!await next)
                    {
                        break;
                    }

                    var segment = results.Current;
                    segments.Add(new SegmentInput(chunkStart + segment.Start, chunkStart + segment.End, segment.Text,
                        [.. segment.Words.Select(w => new SegmentWord(chunkStart + w.Start, chunkStart + w.End, w.Text, w.Probability))],
                        // the engine counts its window's seek from the chunk's samples; the recording's frames are saved
                        segment.Decoding is { Seek: { } seek } decoding ? decoding with { Seek = seek + (int)Math.Round(chunkStart * 100) } : segment.Decoding));
                }
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                logger.LogInformation("Job {TranscriptionId} was cancelled by its owner during chunk {ChunkNo}", id, chunkNo);
                return JobOutcome.Finished;
            }

            if (!await api.SaveChunkAsync(id, chunkNo, ChunkOf(segments), stopping))
            {
                logger.LogInformation("Job {TranscriptionId} finished meanwhile (cancelled or deleted); chunk {ChunkNo} not saved", id, chunkNo);
                return JobOutcome.Finished;
            }

            var state = await api.ReportProgressAsync(id, chunkStart + length, stopping);
            metrics.AudioSeconds.Add(length);
            metrics.RealTimeFactor.Record(clock.Elapsed.TotalSeconds / length);
            logger.LogInformation("Job {TranscriptionId}: chunk {ChunkNo}/{LastChunk} saved ({Segments} segments, RTF {Rtf:0.00})",
                id, chunkNo, lastChunk, segments.Count, clock.Elapsed.TotalSeconds / length);
            if (state is null || IsFinished(state.CurrentState))
            {
                return JobOutcome.Finished;
            }
        }

        await api.ReportStateAsync(id, TranscriptionState.Completed, null, stopping);
        metrics.JobsCompleted.Add(1);
        logger.LogInformation("Job {TranscriptionId} completed", id);
        return JobOutcome.Finished;
    }

    private static ChunkInput ChunkOf(List<SegmentInput> segments) =>
        new(string.Join(' ', segments.Select(s => s.Text.Trim()).Where(t => t.Length > 0)), [.. segments]);

    /// <summary>Best effort: a lost report only delays the text until the next one or the saved chunk, so it never fails the job.</summary>
    private async Task ReportPartialAsync(int id, int chunkNo, List<SegmentInput> segments, CancellationToken stopping)
    {
        try
        {
            await api.SavePartialAsync(id, chunkNo, ChunkOf(segments), stopping);
        }
        catch (HttpRequestException ex)
        {
            logger.LogDebug("Partial result of chunk {ChunkNo} of {TranscriptionId} not reported: {Message}", chunkNo, id, ex.Message);
        }
    }

    private static bool IsFinished(TranscriptionState state) =>
        state is TranscriptionState.Completed or TranscriptionState.CompletedPartially or TranscriptionState.ProcessingFail or TranscriptionState.Cancelled;

    /// <summary>Reports progress at most once a second and cancels the engine when the answer says the job was cancelled.</summary>
    private sealed class ThrottledProgress(TranscriptionApiClient api, ILogger logger, int id, double chunkStart, CancellationTokenSource cancel) : IProgress<double>
    {
        private long _lastReport;

        public void Report(double value)
        {
            var now = Stopwatch.GetTimestamp();
            if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastReport), now) < ProgressInterval)
            {
                return;
            }

            Interlocked.Exchange(ref _lastReport, now);
            _ = Task.Run(async () =>
            {
                try
                {
                    var state = await api.ReportProgressAsync(id, chunkStart + value, cancel.Token);
                    if (state is null || IsFinished(state.CurrentState))
                    {
                        await cancel.CancelAsync();
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                {
                    logger.LogDebug("Progress report for {TranscriptionId} failed: {Message}", id, ex.Message);
                }
            });
        }
    }
}
