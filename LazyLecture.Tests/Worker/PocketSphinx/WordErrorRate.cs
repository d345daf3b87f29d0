using System.Text;

namespace LazyLecture.Tests.Worker.PocketSphinx;

/// <summary>
/// Word error rate as shared/audio/README.md defines it: lower-case, punctuation removed except apostrophes inside words,
/// split on whitespace; word edit distance over reference words, pooled by summing both over files.
/// </summary>
public static class WordErrorRate
{
    public static string[] Words(string text)
    {
        var lower = text.ToLowerInvariant();
        var kept = new StringBuilder(lower.Length);
        for (var i = 0; i < lower.Length; i++)
        {
            var c = lower[i];
            var apostropheInsideWord = c == '\'' && i > 0 && i < lower.Length - 1 && char.IsLetterOrDigit(lower[i - 1]) && char.IsLetterOrDigit(lower[i + 1]);
            if (char.IsLetterOrDigit(c) || char.IsWhiteSpace(c) || apostropheInsideWord)
            {
                kept.Append(c);
            }
        }

        return kept.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Substitutions + deletions + insertions turning the reference words into the hypothesis words.</summary>
    public static int EditDistance(IReadOnlyList<string> reference, IReadOnlyList<string> hypothesis)
    {
        var previous = new int[hypothesis.Count + 1];
        var current = new int[hypothesis.Count + 1];
        for (var j = 0; j <= hypothesis.Count; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= reference.Count; i++)
        {
            current[0] = i;
            for (var j = 1; j <= hypothesis.Count; j++)
            {
                var substitution = previous[j - 1] + (reference[i - 1] == hypothesis[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[hypothesis.Count];
    }

    /// <summary>Pooled WER over (reference, hypothesis) pairs.</summary>
    public static double Pooled(IEnumerable<(string Reference, string Hypothesis)> pairs)
    {
        int errors = 0, referenceWords = 0;
        foreach (var (reference, hypothesis) in pairs)
        {
            var referenceTokens = Words(reference);
            errors += EditDistance(referenceTokens, Words(hypothesis));
            referenceWords += referenceTokens.Length;
        }

        return referenceWords == 0 ? 0 : errors / (double)referenceWords;
    }
}
