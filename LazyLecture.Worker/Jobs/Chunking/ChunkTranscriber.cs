using LazyLecture.Contracts.Jobs;
using LazyLecture.Worker.Engines;
using LazyLecture.Worker.VoiceActivity;

namespace LazyLecture.Worker.Jobs.Chunking;

/// <summary>
/// Transcribes one chunk: only its speech goes to the engine (joined as whisper.cpp joins it; a chunk without speech is not
/// given to the engine at all), conditioned on the previous chunk's text, and every segment comes back placed on the
/// recording (<see cref="SegmentPlacement"/>).
/// </summary>
public static class ChunkTranscriber
{
    /// <param name="samples">The chunk's samples.</param>
    /// <param name="speech">The recording's speech; null transcribes the whole chunk.</param>
    /// <param name="progress">Receives seconds of the recording transcribed so far.</param>
    /// <param name="windowDone">Called with the segments so far whenever the engine has handed over a window's and works on.</param>
    public static async Task<ChunkResult> TranscribeAsync(
        ITranscriptionEngine engine,
        ChunkSpan chunk,
        ReadOnlyMemory<float> samples,
        SpeechMap? speech,
        DecodingOptions decoding,
        string? previousChunkText,
        IProgress<double>? progress,
        Func<IReadOnlyList<SegmentInput>, Task>? windowDone,
        CancellationToken cancellationToken)
    {
        var speechOnly = speech is null
            ? null
            : SpeechOnlyAudio.Join(samples.Span, [.. speech.SpeechWithin(chunk.Start, chunk.End).Select(r => new SpeechRegion(r.Start - chunk.Start, r.End - chunk.Start))]);
        var placement = new SegmentPlacement(chunk, speech, speechOnly);
        var input = speechOnly?.Samples ?? samples;
        var segments = new List<SegmentInput>();
        if (input.IsEmpty)
        {
            return new ChunkResult(segments, 0);
        }

        var recordingProgress = progress is null ? null : new MappedProgress(progress, placement.ToRecording);
        decoding = decoding with { Prompt = ChunkContext.PromptFor(decoding.Prompt, previousChunkText) };
        var reported = 0;
        await using var results = engine.TranscribeAsync(input, decoding, recordingProgress, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            var next = results.MoveNextAsync();
            if (!next.IsCompleted && segments.Count > reported && windowDone is not null)
            {
                // The engine hands over a window's segments together and is now computing the next window.
                await windowDone(segments);
                reported = segments.Count;
            }

            if (!await next)
            {
                break;
            }

            foreach (var segment in placement.Place(results.Current))
            {
                AddOrMerge(segments, segment);
            }
        }

        return new ChunkResult(segments, input.Length / (double)SileroVadModel.SampleRate);
    }

    /// <summary>
    /// A segment that maps to no time at all (the engine timed it in the 0.1 s joined after a speech region, which maps onto
    /// the region's end) joins the segment before it, where its words were spoken, rather than standing alone in the silence.
    /// </summary>
    private static void AddOrMerge(List<SegmentInput> segments, SegmentInput segment)
    {
        if (segment.End - segment.Start < ZeroLengthSecs && segments.Count > 0 && segment.Start - segments[^1].End < SpeechMap.LongSilenceSecs)
        {
            var previous = segments[^1];
            segments[^1] = previous with
            {
                End = Math.Max(previous.End, segment.End),
                Text = $"{previous.Text.TrimEnd()} {segment.Text.Trim()}".Trim(),
                Words = [.. previous.Words ?? [], .. segment.Words ?? []],
            };
            return;
        }

        segments.Add(segment);
    }

    private const double ZeroLengthSecs = 0.01;

    private sealed class MappedProgress(IProgress<double> target, Func<double, double> map) : IProgress<double>
    {
        public void Report(double value) => target.Report(map(value));
    }
}

/// <summary>A chunk's segments on the recording, and the seconds of audio the engine was given.</summary>
public sealed record ChunkResult(List<SegmentInput> Segments, double TranscribedSecs)
{
    public string Text => string.Join(' ', Segments.Select(s => s.Text.Trim()).Where(t => t.Length > 0));
}
