using LazyLecture.Contracts.Jobs;
using LazyLecture.Worker.Engines;
using LazyLecture.Worker.VoiceActivity;

namespace LazyLecture.Worker.Jobs.Chunking;

/// <summary>
/// Puts an engine's segments onto the recording: times mapped back from the joined speech (when only speech was
/// transcribed) and moved by the chunk's start; then every segment and word kept out of silences of a second or more and
/// inside its chunk, and each word's probability kept from 0 to 1. A segment whose words lie on both sides of such a
/// silence is split there, one segment per side; a segment or word that still reaches into one (an engine's timestamps
/// are not exact) is cut back to the speech beside it.
/// </summary>
public sealed class SegmentPlacement
{
    private readonly ChunkSpan _chunk;
    private readonly SpeechOnlyAudio? _speechOnly;
    private readonly List<SpeechRegion> _stretches;

    /// <param name="speech">The recording's speech; null when no voice activity detection ran (only the chunk's bounds apply).</param>
    /// <param name="speechOnly">What the engine was given when it was only the speech; null when it was the whole chunk.</param>
    public SegmentPlacement(ChunkSpan chunk, SpeechMap? speech, SpeechOnlyAudio? speechOnly)
    {
        _chunk = chunk;
        _speechOnly = speechOnly;
        _stretches = speech is null ? [new SpeechRegion(chunk.Start, chunk.End)] : SpeechStretches(chunk, speech);
    }

    /// <summary>The chunk between its silences of a second or more: where segments may lie.</summary>
    private static List<SpeechRegion> SpeechStretches(ChunkSpan chunk, SpeechMap speech)
    {
        var stretches = new List<SpeechRegion>();
        var start = chunk.Start;
        foreach (var pause in speech.Silences().Where(p => p.Duration >= SpeechMap.LongSilenceSecs && p.End > chunk.Start && p.Start < chunk.End))
        {
            if (pause.Start > start)
            {
                stretches.Add(new SpeechRegion(start, pause.Start));
            }

            start = Math.Max(start, pause.End);
        }

        if (chunk.End > start)
        {
            stretches.Add(new SpeechRegion(start, chunk.End));
        }

        // a chunk of silence only: nothing to transcribe in it, but times still need a place
        return stretches.Count > 0 ? stretches : [new SpeechRegion(chunk.Start, chunk.End)];
    }

    /// <summary>A time the engine gave, in seconds from the start of the recording.</summary>
    public double ToRecording(double engineTime) => _chunk.Start + (_speechOnly?.ToOriginal(engineTime) ?? engineTime);

    /// <summary>The segments to save for one engine segment: usually one, one per side of each long silence it spans.</summary>
    public IEnumerable<SegmentInput> Place(EngineSegment segment)
    {
        var start = ToRecording(segment.Start);
        var end = Math.Max(start, ToRecording(segment.End));
        // the engine counts its window's seek from its own samples; the recording's frames are saved
        var decoding = segment.Decoding is { Seek: { } seek } withSeek ? withSeek with { Seek = (int)Math.Round(ToRecording(seek / 100.0) * 100) } : segment.Decoding;
        var words = segment.Words.Select(w => (Word: w, Start: ToRecording(w.Start), End: Math.Max(ToRecording(w.Start), ToRecording(w.End)))).ToList();
        if (words.Count == 0)
        {
            var stretch = StretchOf(start, end);
            yield return new SegmentInput(Clamp(start, stretch), Clamp(end, stretch), segment.Text, [], decoding);
            yield break;
        }

        var parts = new List<(SpeechRegion Stretch, List<SegmentWord> Words)>();
        foreach (var (word, wordStart, wordEnd) in words)
        {
            var stretch = StretchOf(wordStart, wordEnd);
            if (parts.Count == 0 || parts[^1].Stretch != stretch)
            {
                parts.Add((stretch, []));
            }

            parts[^1].Words.Add(new SegmentWord(Clamp(wordStart, stretch), Clamp(wordEnd, stretch), word.Text, Probability(word.Probability)));
        }

        for (var i = 0; i < parts.Count; i++)
        {
            var (stretch, partWords) = parts[i];
            var partStart = Math.Min(Clamp(start, stretch), partWords[0].Start);
            var partEnd = Math.Max(Clamp(end, stretch), partWords[^1].End);
            var text = parts.Count == 1 ? segment.Text : string.Join(' ', partWords.Select(w => w.Text.Trim()));
            // one segment's tokens are told once, with its first part
            var partDecoding = i == 0 || decoding is null ? decoding : decoding with { Tokens = [] };
            yield return new SegmentInput(partStart, partEnd, text, partWords, partDecoding);
        }
    }

    /// <summary>The stretch holding most of [start, end], or the nearest one when it lies wholly in a silence.</summary>
    private SpeechRegion StretchOf(double start, double end)
    {
        var best = _stretches[0];
        var bestScore = double.NegativeInfinity;
        foreach (var stretch in _stretches)
        {
            var overlap = Math.Min(end, stretch.End) - Math.Max(start, stretch.Start);
            // the overlap when there is one; otherwise minus the distance between them (0 for a point inside)
            var score = overlap > 0 ? overlap : -Math.Max(0, Math.Max(stretch.Start - end, start - stretch.End));
            if (score > bestScore)
            {
                best = stretch;
                bestScore = score;
            }
        }

        return best;
    }

    private static double Clamp(double time, SpeechRegion stretch) => Math.Clamp(time, stretch.Start, stretch.End);

    /// <summary>
    /// A word's probability as the API takes it (0 to 1). The engines compute it in single precision as whisper.cpp does, and
    /// a token the model is sure of comes out one rounding step above 1 (1.0000001): the API rightly refuses that, and a job
    /// failed on it, so it is rounded into the range here, once for every engine.
    /// </summary>
    private static double Probability(double probability) => Math.Clamp(probability, 0, 1);
}
