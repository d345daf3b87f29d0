using LazyLecture.Contracts.Jobs;
using LazyLecture.Whisper.Decoding;

namespace LazyLecture.Worker.Engines.PocketSphinx;

/// <summary>
/// Turns the words of one decoded utterance into segments: fillers dropped, alternate-pronunciation markers stripped,
/// a new segment at each pause and whenever one would grow past the configured length or word count.
/// </summary>
internal sealed class PocketSphinxSegmenter(PocketSphinxOptions options)
{
    private readonly int _pauseFrames = (int)Math.Round(options.SegmentPauseSecs * PocketSphinxDecoder.FramesPerSecond);
    private readonly int _maxFrames = (int)Math.Round(options.MaxSegmentSecs * PocketSphinxDecoder.FramesPerSecond);

    /// <param name="firstFrame">The decoder frame where the samples start (after the lead-in).</param>
    /// <param name="audioSecs">The length of the samples, which no segment may pass.</param>
    public IEnumerable<EngineSegment> Segments(IReadOnlyList<RecognizedWord> words, int firstFrame, double audioSecs)
    {
        var text = new List<RecognizedWord>();
        int startFrame = 0, endFrame = 0;
        foreach (var word in words)
        {
            var isFiller = IsFiller(word.Word);
            var pauseBefore = text.Count > 0 && word.StartFrame - (endFrame + 1) >= _pauseFrames;
            var silenceItself = isFiller && word.EndFrame - word.StartFrame + 1 >= _pauseFrames;
            var tooLong = text.Count > 0 && !isFiller && (text.Count >= options.MaxSegmentWords || word.EndFrame + 1 - startFrame > _maxFrames);
            if (text.Count > 0 && (pauseBefore || silenceItself || tooLong))
            {
                yield return Segment(text, firstFrame, audioSecs);
                text.Clear();
            }

            if (isFiller)
            {
                continue;
            }

            if (text.Count == 0)
            {
                startFrame = word.StartFrame;
            }

            text.Add(word with { Word = WithoutPronunciationMarker(word.Word) });
            endFrame = word.EndFrame;
        }

        if (text.Count > 0)
        {
            yield return Segment(text, firstFrame, audioSecs);
        }
    }

    /// <summary><c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c>, <c>&lt;sil&gt;</c>, <c>[NOISE]</c>, <c>[SPEECH]</c>, <c>++BREATH++</c>: not words.</summary>
    internal static bool IsFiller(string word) =>
        word.Length == 0 || word[0] == '<' || word[0] == '[' || word.StartsWith("++", StringComparison.Ordinal);

    /// <summary><c>read(2)</c> is the dictionary's second pronunciation of <c>read</c>.</summary>
    internal static string WithoutPronunciationMarker(string word)
    {
        var open = word.LastIndexOf('(');
        return open > 0 && word[^1] == ')' ? word[..open] : word;
    }

    /// <summary>A segment of the words (in order), timed from PocketSphinx's own word segmentation.</summary>
    private static EngineSegment Segment(List<RecognizedWord> words, int firstFrame, double audioSecs)
    {
        var (start, end) = Span(words[0].StartFrame - firstFrame, words[^1].EndFrame - firstFrame, audioSecs);
        var timed = words.Select(w =>
        {
            var (wordStart, wordEnd) = Span(w.StartFrame - firstFrame, w.EndFrame - firstFrame, audioSecs);
            return new EngineWord(wordStart, wordEnd, w.Word, w.Probability);
        });
        var text = string.Join(' ', words.Select(w => w.Word));
        return new EngineSegment(start, end, text, [.. timed], Decoding(words, text));
    }

    /// <summary>
    /// What PocketSphinx can honestly tell in Whisper's terms: no Whisper tokens, window, temperature or no-speech
    /// probability (it has none of them), an average log-probability over its words' posteriors (per word, not per token)
    /// and the compression ratio of the segment's text.
    /// </summary>
    private static SegmentDecoding Decoding(List<RecognizedWord> words, string text)
    {
        var sum = 0.0;
        foreach (var word in words)
        {
            // a posterior that underflowed to 0 would make the mean -infinity; e^-20 is already "not this word"
            sum += Math.Log(Math.Max(word.Probability, MinimumPosterior));
        }

        return new SegmentDecoding([], Seek: null, Temperature: null, sum / words.Count, CompressionRatio.Of(text), NoSpeechProb: null);
    }

    private static readonly double MinimumPosterior = Math.Exp(-20);

    /// <summary>Seconds of a frame range; the end frame is inclusive, so it ends where the frame after it starts.</summary>
    private static (double Start, double End) Span(int startFrame, int endFrame, double limitSecs)
    {
        var end = Math.Clamp((endFrame + 1) / (double)PocketSphinxDecoder.FramesPerSecond, 0, limitSecs);
        return (Math.Clamp(startFrame / (double)PocketSphinxDecoder.FramesPerSecond, 0, end), end);
    }
}
