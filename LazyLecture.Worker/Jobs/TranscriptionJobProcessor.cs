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
        var engine = await engines.GetAsync(stopping);
        var speech = await DetectSpeechAsync(view, audioPath, stopping);
        var chunks = ChunkPlan.Plan(view.AudioLenSecs, view.ChunkSizeSecs, speech, voiceActivity.Value.ChunkBoundarySearchSecs);
        var lastChunk = chunks.Count == 0 ? 0 : chunks[^1].ChunkNo;
        string? previousText = null;
        using var cancelled = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        foreach (var chunk in chunks)
        {
            var chunkNo = chunk.ChunkNo;
            if (view.SavedChunks.Contains(chunkNo))
            {
                previousText = null; // resumed job: this chunk survived the previous attempt (its text is not at hand)
                continue;
            }

            var clock = Stopwatch.StartNew();
            var samples = await decoder.DecodeAsync(audioPath, chunk.Start, chunk.Length, stopping);
            // Only the speech goes to the engine, joined as whisper.cpp joins it; a chunk without any is saved empty.
            var speechOnly = speech is null
                ? null
                : SpeechOnlyAudio.Join(samples.Span, [.. speech.SpeechWithin(chunk.Start, chunk.End).Select(r => new SpeechRegion(r.Start - chunk.Start, r.End - chunk.Start))]);
            var placement = new SegmentPlacement(chunk, speech, speechOnly);
            var progress = new ThrottledProgress(api, logger, id, placement.ToRecording, cancelled);
            var segments = new List<SegmentInput>();
            var decoding = view.Decoding ?? DecodingOptions.Default;
            decoding = decoding with { Prompt = ChunkContext.PromptFor(decoding.Prompt, previousText) };
            try
            {
                var input = speechOnly?.Samples ?? samples;
                var reported = 0;
                await using var results = (input.IsEmpty ? AsyncEnumerable.Empty<EngineSegment>() : engine.TranscribeAsync(input, decoding, progress, cancelled.Token))
                    .GetAsyncEnumerator(cancelled.Token);
                while (true)
                {
                    var next = results.MoveNextAsync();
                    if (!next.IsCompleted && segments.Count > reported)
                    {
                        // The engine hands over a window's segments together and is now computing the next window: what it
                        // produced so far is reported as the chunk's partial result while it works.
                        await ReportPartialAsync(id, chunk, segments, stopping);
                        reported = segments.Count;
                    }

                    if (!await next)
                    {
                        break;
                    }

                    segments.AddRange(placement.Place(results.Current));
                }
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                logger.LogInformation("Job {TranscriptionId} was cancelled by its owner during chunk {ChunkNo}", id, chunkNo);
                return JobOutcome.Finished;
            }

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
            logger.LogInformation("Job {TranscriptionId}: chunk {ChunkNo}/{LastChunk} ({Start:0.00}-{End:0.00} s, {Speech:0.00} s of speech) saved ({Segments} segments, RTF {Rtf:0.00})",
                id, chunkNo, lastChunk, chunk.Start, chunk.End, speechOnly?.JoinedSecs ?? chunk.Length, segments.Count, clock.Elapsed.TotalSeconds / chunk.Length);
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

    /// <summary>
    /// The recording's speech, or null when the job runs without voice activity detection (turned off for it, or no model on
    /// this worker): either way the job detail is told, and the job goes on.
    /// </summary>
    private async Task<SpeechMap?> DetectSpeechAsync(WorkerJobView view, string audioPath, CancellationToken stopping)
    {
        var request = view.VoiceActivity ?? VoiceActivityRequest.Default;
        var model = request.Enabled ? await detector.GetModelAsync(stopping) : null;
        if (model is null)
        {
            var reason = request.Enabled ? VoiceActivityReasons.NoModel : VoiceActivityReasons.TurnedOff;
            logger.LogInformation("Job {TranscriptionId} runs without voice activity detection ({Reason})", view.Id, reason);
            await api.ReportVoiceActivityAsync(view.Id, new VoiceActivityReport(false, null, reason), stopping);
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
        await api.ReportVoiceActivityAsync(view.Id, new VoiceActivityReport(true, Math.Round(speech.SpeechSecs, 2), null), stopping);
        return speech;
    }

    private static ChunkInput ChunkOf(ChunkSpan chunk, List<SegmentInput> segments) =>
        new(string.Join(' ', segments.Select(s => s.Text.Trim()).Where(t => t.Length > 0)), [.. segments], chunk.Start, chunk.End);

    /// <summary>Best effort: a lost report only delays the text until the next one or the saved chunk, so it never fails the job.</summary>
    private async Task ReportPartialAsync(int id, ChunkSpan chunk, List<SegmentInput> segments, CancellationToken stopping)
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

    private static bool IsFinished(TranscriptionState state) =>
        state is TranscriptionState.Completed or TranscriptionState.CompletedPartially or TranscriptionState.ProcessingFail or TranscriptionState.Cancelled;

    /// <summary>Reports progress at most once a second and cancels the engine when the answer says the job was cancelled.</summary>
    /// <param name="toRecording">From the engine's seconds (of the joined speech) to the recording's.</param>
    private sealed class ThrottledProgress(TranscriptionApiClient api, ILogger logger, int id, Func<double, double> toRecording, CancellationTokenSource cancel) : IProgress<double>
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
                    var state = await api.ReportProgressAsync(id, toRecording(value), cancel.Token);
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
