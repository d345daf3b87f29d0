using System.Globalization;

namespace LazyLecture.Contracts.Jobs;

/// <summary>Why a worker's segments were refused: the field at fault (<c>segments</c>, <c>segments.words</c>, …) and the rule.</summary>
public sealed record SegmentProblem(string Field, string Message);

/// <summary>
/// What a chunk's segments must be, for a saved chunk and for the partial result of a running one alike: each with finite
/// times 0 ≤ start ≤ end and a text, inside its chunk (so it cannot overlap the next chunk or pass the recording's end,
/// with <see cref="ChunkBounds"/>' tolerance); each word likewise, with a probability from 0 to 1; decoding statistics in
/// their ranges. Comparisons are written so that NaN fails them.
/// </summary>
public static class SegmentRules
{
    /// <summary>The first rule <paramref name="segments"/> of chunk <paramref name="chunkNo"/> (from <paramref name="chunkStart"/> to <paramref name="chunkEnd"/>) break; null when they keep all.</summary>
    public static SegmentProblem? Check(IReadOnlyList<SegmentInput>? segments, int chunkNo, double chunkStart, double chunkEnd)
    {
        segments ??= [];
        if (segments.Any(s => s is null || !(double.IsFinite(s.Start) && double.IsFinite(s.End) && 0 <= s.Start && s.Start <= s.End) || s.Text is null))
        {
            return new("segments", "Each segment needs finite 0 <= start <= end and a text.");
        }

        if (segments.FirstOrDefault(s => !ChunkBounds.Contains(chunkStart, chunkEnd, s.Start, s.End)) is { } outside)
        {
            return new("segments", Invariant($"Segment {outside.Start:0.##}-{outside.End:0.##} s lies outside chunk {chunkNo} ({chunkStart:0.##}-{chunkEnd:0.##} s)."));
        }

        var words = segments.SelectMany(s => s.Words ?? []).ToList();
        if (words.Any(w => w is null || !(double.IsFinite(w.End) && 0 <= w.Start && w.Start <= w.End) || w.Text is null || !(w.Probability is >= 0 and <= 1)))
        {
            return new("segments.words", "Each word needs 0 <= start <= end, a text and a probability from 0 to 1.");
        }

        if (words.Any(w => !ChunkBounds.Contains(chunkStart, chunkEnd, w.Start, w.End)))
        {
            return new("segments.words", Invariant($"Each word must lie inside chunk {chunkNo} ({chunkStart:0.##}-{chunkEnd:0.##} s)."));
        }

        if (segments.Any(s => s.Decoding is { } decoding && !IsValid(decoding)))
        {
            return new("segments.decoding",
                "Decoding statistics need token ids >= 0, seek >= 0, a temperature >= 0, avg_logprob <= 0, a compression ratio >= 0 and no_speech_prob from 0 to 1 (each may be null).");
        }

        return null;
    }

    private static bool IsValid(SegmentDecoding decoding) =>
        decoding.Tokens is not null && decoding.Tokens.All(t => t >= 0)
        && decoding.Seek is null or >= 0
        // no upper bound: whisper.cpp's fall-back steps (0.2 added up in float) may end a hair above 1
        && (decoding.Temperature is not { } temperature || (temperature >= 0 && float.IsFinite(temperature)))
        && (decoding.AvgLogprob is not { } logprob || (logprob <= 0 && double.IsFinite(logprob)))
        && (decoding.CompressionRatio is not { } ratio || (ratio >= 0 && double.IsFinite(ratio)))
        && decoding.NoSpeechProb is null or (>= 0 and <= 1);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
