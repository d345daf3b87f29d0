using LazyLecture.Whisper.Decoding;
using LazyLecture.Whisper.Text;

namespace LazyLecture.Whisper.Transcription;

/// <summary>
/// Splits a window's tokens into segments at timestamp tokens, as whisper.cpp: a segment starts at the
/// likeliest timestamp of its first token, ends at the next timestamp token (or at the window's advance),
/// and holds the text of the tokens in between.
/// </summary>
internal static class SegmentBuilder
{
    /// <param name="seek">The window's start in 10 ms frames.</param>
    public static IReadOnlyList<TranscriptSegment> Build(WhisperTokenizer tokenizer, WindowDecodeResult window, int seek, bool singleSegment) =>
        Build(tokenizer, window, seek, singleSegment, timestamps: null);

    /// <param name="timestamps">Times each segment's tokens for its words; null leaves segments without words.</param>
    internal static IReadOnlyList<TranscriptSegment> Build(WhisperTokenizer tokenizer, WindowDecodeResult window, int seek, bool singleSegment, TokenTimestamps? timestamps)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(window);
        var tokens = window.Tokens;
        var segments = new List<TranscriptSegment>();
        if (tokens.Length == 0)
        {
            return segments;
        }

        var statistics = Statistics(tokenizer, window, seek);
        var special = tokenizer.Special;
        var beg = special.TimestampBegin;
        var t0 = seek + 2 * (tokens[0].TimestampId - beg);
        var i0 = 0;
        var hasText = false;
        for (var i = 0; i < tokens.Length; i++)
        {
            hasText |= special.IsText(tokens[i].Id) && !tokenizer.TokenBytes(tokens[i].Id).IsEmpty;
            if (tokens[i].Id > beg && !singleSegment)
            {
                var t1 = seek + 2 * (tokens[i].TimestampId - beg);
                if (hasText)
                {
                    segments.Add(Create(tokenizer, statistics, tokens.AsSpan(i0, i + 1 - i0), t0, t1, timestamps));
                }

                hasText = false;
                while (i < tokens.Length && tokens[i].Id > beg)
                {
                    i++;
                }

                i--;
                t0 = t1;
                i0 = i + 1;
            }
        }

        if (hasText)
        {
            segments.Add(Create(tokenizer, statistics, tokens.AsSpan(i0), t0, seek + window.SeekDelta, timestamps));
        }

        return segments;
    }

    /// <summary>The window's figures, shared by its segments; the compression ratio is of the text its segments are made of.</summary>
    private static WindowStatistics Statistics(WhisperTokenizer tokenizer, WindowDecodeResult window, int seek)
    {
        var ids = new int[window.Tokens.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = window.Tokens[i].Id;
        }

        // a window that failed every check has no score (-infinity): its tokens' own mean is what it decoded with
        var average = window.AverageLogProbability;
        if (!double.IsFinite(average))
        {
            double sum = 0;
            foreach (var token in window.Tokens)
            {
                sum += token.LogProbability;
            }

            average = window.Tokens.Length == 0 ? 0 : sum / window.Tokens.Length;
        }

        return new WindowStatistics(seek, window.Temperature, average, CompressionRatio.Of(tokenizer.Decode(ids)), window.NoSpeechProbability);
    }

    private static TranscriptSegment Create(WhisperTokenizer tokenizer, WindowStatistics statistics, ReadOnlySpan<SampledToken> tokens, int t0, int t1, TokenTimestamps? timestamps)
    {
        var ids = new List<int>(tokens.Length);
        var probabilities = new List<float>(tokens.Length);
        var decoded = new int[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            decoded[i] = token.Id;
            if (tokenizer.Special.IsText(token.Id))
            {
                ids.Add(token.Id);
                probabilities.Add(token.Probability);
            }
        }

        var text = tokenizer.Decode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids));
        var words = timestamps is null ? [] : Words(tokenizer, tokens, t0, t1, timestamps);
        return new TranscriptSegment(t0 / 100.0, t1 / 100.0, text, ids, probabilities, statistics.NoSpeechProbability)
        {
            Words = words,
            DecodedTokens = decoded,
            Window = statistics,
        };
    }

    /// <summary>Times all of the segment's tokens (timestamp tokens take part, as in whisper.cpp), then groups the text tokens.</summary>
    private static IReadOnlyList<TranscriptWord> Words(WhisperTokenizer tokenizer, ReadOnlySpan<SampledToken> tokens, int t0, int t1, TokenTimestamps timestamps)
    {
        var timed = new TimedToken[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
        {
            timed[i] = TokenTimestamps.From(tokens[i]);
        }

        timestamps.Apply(timed, t0, t1);
        var texts = new List<TimedTokenText>(timed.Length);
        foreach (var token in timed)
        {
            if (tokenizer.Special.IsText(token.Id))
            {
                texts.Add(new TimedTokenText(tokenizer.TokenToString(token.Id), token.Start / 100.0, token.End / 100.0, token.Probability));
            }
        }

        return WordGrouping.Group(texts);
    }
}
