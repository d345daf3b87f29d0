using System.Text;

namespace LazyLecture.Whisper.Text;

/// <summary>Word-level edit distance against a reference, and how many reference words it had.</summary>
internal readonly record struct WordErrorCount(int Errors, int ReferenceWords)
{
    public double Rate => ReferenceWords == 0 ? (Errors == 0 ? 0 : 1) : Errors / (double)ReferenceWords;

    public static WordErrorCount operator +(WordErrorCount a, WordErrorCount b) =>
        new(a.Errors + b.Errors, a.ReferenceWords + b.ReferenceWords);
}

/// <summary>
/// Word error rate as the project defines it: lower-case, drop punctuation except apostrophes inside words,
/// split on whitespace, edit distance over words / reference words; pooled over files by summing both.
/// </summary>
internal static class WordErrorRate
{
    public static double Compute(string reference, string hypothesis) => Count(reference, hypothesis).Rate;

    /// <summary>Pooled rate over pairs of (reference, hypothesis).</summary>
    public static double Pooled(IEnumerable<(string Reference, string Hypothesis)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var total = new WordErrorCount(0, 0);
        foreach (var (reference, hypothesis) in pairs)
        {
            total += Count(reference, hypothesis);
        }

        return total.Rate;
    }

    public static WordErrorCount Count(string reference, string hypothesis)
    {
        var r = Normalize(reference);
        var h = Normalize(hypothesis);
        return new WordErrorCount(EditDistance(r, h), r.Length);
    }

    /// <summary>The words compared: lower case, punctuation removed, apostrophes kept only between letters/digits.</summary>
    public static string[] Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lower = text.ToLowerInvariant();
        var builder = new StringBuilder(lower.Length);
        for (var i = 0; i < lower.Length; i++)
        {
            var c = lower[i];
            if (char.IsLetterOrDigit(c) || char.IsWhiteSpace(c))
            {
                builder.Append(c);
            }
            else if (c is '\'' or '’'
                && i > 0 && char.IsLetterOrDigit(lower[i - 1])
                && i + 1 < lower.Length && char.IsLetterOrDigit(lower[i + 1]))
            {
                builder.Append('\'');
            }
        }

        return builder.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
    }

    private static int EditDistance(string[] reference, string[] hypothesis)
    {
        var previous = new int[hypothesis.Length + 1];
        var current = new int[hypothesis.Length + 1];
        for (var j = 0; j <= hypothesis.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= reference.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= hypothesis.Length; j++)
            {
                var substitution = previous[j - 1] + (string.Equals(reference[i - 1], hypothesis[j - 1], StringComparison.Ordinal) ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[hypothesis.Length];
    }
}
