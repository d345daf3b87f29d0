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
        var text = new List<string>();
        int startFrame = 0, endFrame = 0;
        foreach (var word in words)
        {
            var isFiller = IsFiller(word.Word);
            var pauseBefore = text.Count > 0 && word.StartFrame - (endFrame + 1) >= _pauseFrames;
            var silenceItself = isFiller && word.EndFrame - word.StartFrame + 1 >= _pauseFrames;
            var tooLong = text.Count > 0 && !isFiller && (text.Count >= options.MaxSegmentWords || word.EndFrame + 1 - startFrame > _maxFrames);
            if (text.Count > 0 && (pauseBefore || silenceItself || tooLong))
            {
                yield return Segment(text, startFrame - firstFrame, endFrame - firstFrame, audioSecs);
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

            text.Add(WithoutPronunciationMarker(word.Word));
            endFrame = word.EndFrame;
        }

        if (text.Count > 0)
        {
            yield return Segment(text, startFrame - firstFrame, endFrame - firstFrame, audioSecs);
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

    private static EngineSegment Segment(List<string> text, int startFrame, int endFrame, double audioSecs)
    {
        // The end frame is inclusive: the segment ends where the frame after it starts.
        var end = Math.Clamp((endFrame + 1) / (double)PocketSphinxDecoder.FramesPerSecond, 0, audioSecs);
        var start = Math.Clamp(startFrame / (double)PocketSphinxDecoder.FramesPerSecond, 0, end);
        return new EngineSegment(start, end, string.Join(' ', text));
    }
}
