namespace LazyLecture.Whisper.Transcription;

/// <summary>A word: start and end in seconds from the start of the audio, its text and its tokens' mean probability.</summary>
public sealed record TranscriptWord(double Start, double End, string Text, double Probability);

/// <summary>A token of a segment with its text and its time span in seconds, the input of <see cref="WordGrouping"/>.</summary>
public readonly record struct TimedTokenText(string Text, double Start, double End, double Probability);

/// <summary>
/// Joins a segment's text tokens into words the way Whisper's byte-level vocabulary marks them: a token whose text starts
/// with a space begins a word, any other (word pieces, punctuation) continues the current one. Every engine that times
/// tokens (this library, Whisper.net) groups them here, so their words compare one to one.
/// </summary>
public static class WordGrouping
{
    public static IReadOnlyList<TranscriptWord> Group(IEnumerable<TimedTokenText> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var words = new List<TranscriptWord>();
        var text = new System.Text.StringBuilder();
        double start = 0, end = 0, probabilitySum = 0;
        var count = 0;
        foreach (var token in tokens)
        {
            if (token.Text.Length == 0)
            {
                continue;
            }

            if (count > 0 && char.IsWhiteSpace(token.Text[0]))
            {
                Flush();
            }

            if (count == 0)
            {
                start = token.Start;
            }

            text.Append(token.Text);
            end = token.End;
            probabilitySum += token.Probability;
            count++;
        }

        Flush();
        return words;

        void Flush()
        {
            var word = text.ToString().Trim();
            if (word.Length > 0)
            {
                words.Add(new TranscriptWord(start, Math.Max(start, end), word, probabilitySum / count));
            }

            text.Clear();
            probabilitySum = 0;
            count = 0;
        }
    }
}
