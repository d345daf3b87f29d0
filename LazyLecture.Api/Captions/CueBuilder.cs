using System.Text.RegularExpressions;
using LazyLecture.Api.Transcriptions.Export;
using LazyLecture.Contracts.Jobs;

namespace LazyLecture.Api.Captions;

/// <summary>
/// Cuts a transcript into srt/vtt cues by <see cref="CaptionRules"/>: consecutive timed words, as many as fit the lines,
/// the maximum duration and the word limit, never across a pause, preferring to end at a sentence end; each cue then
/// stays on screen long enough to be read, taking the time from the silence around it where there is some.
/// </summary>
public static partial class CueBuilder
{
    public static IReadOnlyList<CaptionCue> Build(TranscriptDocument document, CaptionRules rules)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(rules);
        var words = document.Chunks.SelectMany(chunk => chunk.Segments).SelectMany(TimedWords)
            .OrderBy(word => word.StartMs) // stable: chunks may overlap by a word, equal starts keep their order
            .ToList();

        var groups = new List<(int First, int Last, IReadOnlyList<string> Lines)>();
        var first = 0;
        while (first < words.Count)
        {
            var last = first;
            var lines = rules.Wrap([words[first].Text]) ?? [words[first].Text]; // a word too long for a line still gets its cue
            while (last + 1 < words.Count && !EndsAfter(words, first, last, rules) && Fits(words, first, last + 1, rules) is { } longer)
            {
                last++;
                lines = longer;
            }

            groups.Add((first, last, lines));
            first = last + 1;
        }

        var cues = new List<CaptionCue>(groups.Count);
        for (var i = 0; i < groups.Count; i++)
        {
            var (firstWord, lastWord, lines) = groups[i];
            var start = words[firstWord].StartMs;
            var end = Math.Clamp(words[lastWord].EndMs, start, start + rules.MaxDurationMs); // a word spread over a long segment without timings
            var wanted = Math.Min(rules.ShortestDurationMs(CaptionRules.Characters(lines)), rules.MaxDurationMs);

            // Longer on screen where the cue is too short to read: first into the silence after it, then before it.
            var nextStart = i + 1 < groups.Count ? words[groups[i + 1].First].StartMs : long.MaxValue;
            end = Math.Max(end, Math.Min(start + wanted, nextStart));
            var previousEnd = cues.Count > 0 ? cues[^1].EndMs : 0;
            start = Math.Min(start, Math.Max(end - wanted, previousEnd));

            cues.Add(new CaptionCue(start, end, lines, [.. words[firstWord..(lastWord + 1)].Select(w => w.Word)]));
        }

        return cues;
    }

    /// <summary>One cue per segment, its text as the engine gave it (the OpenAI-compatible srt/vtt answers, as OpenAI's).</summary>
    public static IReadOnlyList<CaptionCue> OnePerSegment(TranscriptDocument document) =>
    [
        .. document.Chunks.SelectMany(chunk => chunk.Segments)
            .Select(segment => (Segment: segment, Lines: (IReadOnlyList<string>)[.. (segment.Text ?? "").ReplaceLineEndings("\n").Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0)]))
            .Where(cue => cue.Lines.Count > 0) // an empty cue would end the block early and break the numbering
            .Select(cue => new CaptionCue(CaptionRules.Milliseconds(cue.Segment.Start), Math.Max(CaptionRules.Milliseconds(cue.Segment.Start), CaptionRules.Milliseconds(cue.Segment.End)), cue.Lines, cue.Segment.Words))
            .OrderBy(cue => cue.StartMs),
    ];

    private sealed record TimedWord(long StartMs, long EndMs, string Text, SegmentWord Word);

    /// <summary>The lines of words first..last when they keep the rules of a cue being built, else null.</summary>
    private static IReadOnlyList<string>? Fits(List<TimedWord> words, int first, int last, CaptionRules rules)
    {
        if (rules.IsPause(words[last].StartMs - words[last - 1].EndMs)
            || words[last].EndMs - words[first].StartMs > rules.MaxDurationMs
            || (rules.MaxWords is { } maxWords && last - first + 1 > maxWords))
        {
            return null;
        }

        return rules.Wrap([.. words[first..(last + 1)].Select(w => w.Text)]);
    }

    // A sentence end closes the cue once it fills a line: a cue that starts a new sentence reads better than one that ends mid-way.
    private static bool EndsAfter(List<TimedWord> words, int first, int last, CaptionRules rules) =>
        SentenceEnd().IsMatch(words[last].Text) && words[first..(last + 1)].Sum(w => w.Text.Length + 1) - 1 >= rules.MaxLineLength;

    /// <summary>The segment's words with their own times; a segment without words gets its text's words spread over its time by length.</summary>
    private static IEnumerable<TimedWord> TimedWords(TranscriptSegment segment)
    {
        if (segment.Words.Count > 0)
        {
            foreach (var word in segment.Words)
            {
                var text = Whitespace().Replace(word.Text ?? "", " ").Trim();
                if (text.Length > 0)
                {
                    var start = CaptionRules.Milliseconds(word.Start);
                    yield return new TimedWord(start, Math.Max(start, CaptionRules.Milliseconds(word.End)), text, word);
                }
            }

            yield break;
        }

        var texts = Whitespace().Split(segment.Text ?? "").Where(w => w.Length > 0).ToList();
        var segmentStart = CaptionRules.Milliseconds(segment.Start);
        var span = Math.Max(0, CaptionRules.Milliseconds(segment.End) - segmentStart);
        var total = texts.Sum(w => w.Length + 1);
        var before = 0;
        foreach (var text in texts)
        {
            var start = segmentStart + span * before / total;
            before += text.Length + 1;
            var end = segmentStart + span * before / total;
            yield return new TimedWord(start, end, text, new SegmentWord(start / 1000.0, end / 1000.0, text, double.NaN));
        }
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"[.?!…][""'”’)\]]*$")]
    private static partial Regex SentenceEnd();
}
