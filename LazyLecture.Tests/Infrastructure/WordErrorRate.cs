using System.Text.RegularExpressions;

namespace LazyLecture.Tests.Infrastructure;

/// <summary>WER as ../shared/audio/README.md defines it: lower-case, punctuation removed except apostrophes inside words, word edit distance / reference words.</summary>
public static partial class WordErrorRate
{
    public static double Compute(string reference, string hypothesis)
    {
        var expected = Words(reference);
        var actual = Words(hypothesis);
        var distance = new int[actual.Length + 1];
        for (var j = 0; j <= actual.Length; j++)
        {
            distance[j] = j;
        }

        for (var i = 1; i <= expected.Length; i++)
        {
            var diagonal = distance[0];
            distance[0] = i;
            for (var j = 1; j <= actual.Length; j++)
            {
                var above = distance[j];
                distance[j] = Math.Min(Math.Min(distance[j] + 1, distance[j - 1] + 1), diagonal + (expected[i - 1] == actual[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return expected.Length == 0 ? 0 : (double)distance[actual.Length] / expected.Length;
    }

    public static string[] Words(string text) =>
        Punctuation().Replace(text.ToLowerInvariant(), " ").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    // Anything but letters, digits, whitespace and apostrophes between letters.
    [GeneratedRegex(@"[^\p{L}\p{N}\s']|(?<!\p{L})'|'(?!\p{L})")]
    private static partial Regex Punctuation();
}
