using System.Diagnostics;
using LazyLecture.Contracts;
using LazyLecture.Contracts.Jobs;
using LazyLecture.Contracts.Messaging;
using LazyLecture.Worker.Audio;
using LazyLecture.Worker.Engines;
using LazyLecture.Worker.Jobs.Chunking;
using LazyLecture.Worker.VoiceActivity;
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
/// Runs one job: find the speech (voice activity detection), place the chunks' ends in pauses, then chunk by chunk decode
/// with ffmpeg, transcribe only the speech (conditioned on the previous chunk's text), save. Chunks already saved are skipped, so a job redelivered
/// after a crash resumes where it stopped (a chunk cut short is transcribed again, its partial result with it). While a chunk
/// runs, the segments of each finished engine window are reported as its partial result. Cancellation by the owner is
/// noticed at each progress report.
/// </summary>
public sealed class TranscriptionJobProcessor(
    TranscriptionApiClient api,
    ChunkDecoder decoder,
    EngineHolder engines,
    VoiceActivityDetector detector,
    IOptions<VoiceActivityOptions> voiceActivity,
    WorkerMetrics metrics,
    IOptions<WorkerOptions> options,
    ILogger<TranscriptionJobProcessor> logger)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    public async Task<JobOutcome> ProcessAsync(TranscriptionJob job, CancellationToken stopping)
    {
        var view = await api.GetJobAsync(job.TranscriptionId, stopping);
        if (view is null || view.CurrentState.IsFinished())
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
            return after is null || after.CurrentState.IsFinished() ? JobOutcome.Finished : JobOutcome.Retry;
        }
        finally
        {
            File.Delete(audioPath);
        }
    }

    private async Task<JobOutcome> TranscribeChunksAsync(WorkerJobView view, string audioPath, CancellationToken stopping)
    {
        var id = view.Id;
        var engine = await engines.GetAsync(stopping);
        if (!engine.TakesPrompt && view.Decoding?.Prompt is not null)
        {
            // Told once: the answer's view carries no prompt any more.
            view = await api.ReportStateAsync(id, TranscriptionState.InProgress, null, stopping, promptSupported: false) ?? view;
        }

        var speech = await DetectSpeechAsync(view, audioPath, engine.Name, stopping);
        var chunks = ChunkPlan.Plan(view.AudioLenSecs, view.ChunkSizeSecs, speech, voiceActivity.Value.ChunkBoundarySearchSecs);
        var lastChunk = chunks.Count == 0 ? 0 : chunks[^1].ChunkNo;
        string? previousText = null;
        using var cancelled = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        foreach (var chunk in chunks)
        {
            var chunkNo = chunk.ChunkNo;
            if (view.SavedChunks.Contains(chunkNo))
            {
                // resumed job: this chunk survived the previous attempt; the last one saved conditions the next, as it would have
                previousText = chunkNo == view.SavedChunks[^1] ? view.LastSavedChunkText : null;
                continue;
            }

            var clock = Stopwatch.StartNew();
            var samples = await decoder.DecodeAsync(audioPath, chunk.Start, chunk.Length, stopping);
            var progress = new ThrottledProgress(api, logger, id, cancelled);
            ChunkResult result;
            try
            {
                result = await ChunkTranscriber.TranscribeAsync(engine, chunk, samples, speech, view.Decoding ?? DecodingOptions.Default, previousText, progress,
                    // what the engine produced so far is reported as the chunk's partial result while it works
                    soFar => ReportPartialAsync(id, chunk, soFar, stopping),
                    cancelled.Token);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                logger.LogInformation("Job {TranscriptionId} was cancelled by its owner during chunk {ChunkNo}", id, chunkNo);
                return JobOutcome.Finished;
            }

            var segments = result.Segments;
            var saved = ChunkOf(chunk, segments);
            if (!await api.SaveChunkAsync(id, chunkNo, saved, stopping))
            {
                logger.LogInformation("Job {TranscriptionId} finished meanwhile (cancelled or deleted); chunk {ChunkNo} not saved", id, chunkNo);
                return JobOutcome.Finished;
            }

            previousText = saved.Text;
            var state = await api.ReportProgressAsync(id, chunk.End, stopping);
            metrics.AudioSeconds.Add(chunk.Length);
            metrics.RealTimeFactor.Record(clock.Elapsed.TotalSeconds / chunk.Length);
            logger.LogInformation("Job {TranscriptionId}: chunk {ChunkNo}/{LastChunk} ({Start:0.00}-{End:0.00} s, {Transcribed:0.00} s transcribed) saved ({Segments} segments, RTF {Rtf:0.00})",
                id, chunkNo, lastChunk, chunk.Start, chunk.End, result.TranscribedSecs, segments.Count, clock.Elapsed.TotalSeconds / chunk.Length);
            if (state is null || state.CurrentState.IsFinished())
            {
                return JobOutcome.Finished;
            }
        }

        await api.ReportStateAsync(id, TranscriptionState.Completed, null, stopping);
        metrics.JobsCompleted.Add(1);
        logger.LogInformation("Job {TranscriptionId} completed", id);
        return JobOutcome.Finished;
    }

    /// <summary>
    /// The recording's speech, or null when the job runs without voice activity detection (turned off for it, or no model on
    /// this worker): either way the job detail is told (with the engine that runs the job), and the job goes on.
    /// </summary>
    private async Task<SpeechMap?> DetectSpeechAsync(WorkerJobView view, string audioPath, string engine, CancellationToken stopping)
    {
        var request = view.VoiceActivity ?? VoiceActivityRequest.Default;
        var model = request.Enabled ? await detector.GetModelAsync(stopping) : null;
        if (model is null)
        {
            var reason = request.Enabled ? VoiceActivityReasons.NoModel : VoiceActivityReasons.TurnedOff;
            logger.LogInformation("Job {TranscriptionId} runs without voice activity detection ({Reason})", view.Id, reason);
            await api.ReportRunAsync(view.Id, new JobRunReport(engine, false, null, reason), stopping);
            return null;
        }

        var configured = voiceActivity.Value;
        var settings = configured.ToSettings() with
        {
            Threshold = request.Threshold ?? configured.Threshold,
            SpeechPadMs = request.PrefixPaddingMs ?? configured.SpeechPadMs,
            MinSilenceDurationMs = request.SilenceDurationMs ?? configured.MinSilenceDurationMs,
        };
        var clock = Stopwatch.StartNew();
        var speech = await detector.DetectAsync(model, audioPath, view.AudioLenSecs, settings, stopping);
        logger.LogInformation("Job {TranscriptionId}: {Speech:0.0} s of speech in {Regions} regions of {Length:0.0} s (voice activity detection took {Elapsed:0.0} s)",
            view.Id, speech.SpeechSecs, speech.Regions.Count, view.AudioLenSecs, clock.Elapsed.TotalSeconds);
        await api.ReportRunAsync(view.Id, new JobRunReport(engine, true, Math.Round(speech.SpeechSecs, 2), null), stopping);
        return speech;
    }

    private static ChunkInput ChunkOf(ChunkSpan chunk, IReadOnlyList<SegmentInput> segments) =>
        new(new ChunkResult([.. segments], 0).Text, [.. segments], chunk.Start, chunk.End);

    /// <summary>Best effort: a lost report only delays the text until the next one or the saved chunk, so it never fails the job.</summary>
    private async Task ReportPartialAsync(int id, ChunkSpan chunk, IReadOnlyList<SegmentInput> segments, CancellationToken stopping)
    {
        var chunkNo = chunk.ChunkNo;
        try
        {
            await api.SavePartialAsync(id, chunkNo, ChunkOf(chunk, segments), stopping);
        }
        catch (HttpRequestException ex)
        {
            logger.LogDebug("Partial result of chunk {ChunkNo} of {TranscriptionId} not reported: {Message}", chunkNo, id, ex.Message);
        }
    }

    /// <summary>Reports progress at most once a second and cancels the engine when the answer says the job was cancelled.</summary>
    /// <summary>Reports are seconds of the recording.</summary>
    private sealed class ThrottledProgress(TranscriptionApiClient api, ILogger logger, int id, CancellationTokenSource cancel) : IProgress<double>
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
                    var state = await api.ReportProgressAsync(id, value, cancel.Token);
                    if (state is null || state.CurrentState.IsFinished())
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
