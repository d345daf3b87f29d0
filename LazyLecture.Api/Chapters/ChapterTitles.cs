namespace LazyLecture.Api.Chapters;

/// <summary>
/// Titles chapters by their most distinctive words against the rest of the lecture: tf-idf of stems with the chapters as
/// documents, each stem shown as the word most often spoken for it.
/// </summary>
public static class ChapterTitles
{
    public const int WordsPerTitle = 3;

    /// <summary>One title per chapter; <paramref name="starts"/> are the segment indexes that start chapters, ascending.</summary>
    public static IReadOnlyList<string> Title(IReadOnlyList<SegmentTerms> segments, IReadOnlyList<int> starts)
    {
        var chapters = starts.Select((start, i) => segments.Skip(start).Take((i + 1 < starts.Count ? starts[i + 1] : segments.Count) - start).SelectMany(s => s.Terms).ToList()).ToList();
        var documentFrequency = chapters.SelectMany(terms => terms.Select(t => t.Stem).Distinct()).GroupBy(stem => stem, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return [.. chapters.Select(terms => Title(terms, documentFrequency, chapters.Count))];
    }

    private static string Title(List<Term> terms, Dictionary<string, int> documentFrequency, int chapterCount)
    {
        var best = terms.GroupBy(t => t.Stem, StringComparer.Ordinal)
            .Where(g => g.Key.Length >= 3)
            .Select(g => (Stem: g.Key, Score: g.Count() * Math.Log(1 + chapterCount / (double)documentFrequency[g.Key]), Words: g))
            .OrderByDescending(s => s.Score).ThenBy(s => s.Stem, StringComparer.Ordinal)
            .Take(WordsPerTitle)
            .Select(s => s.Words.GroupBy(w => w.Surface.ToLowerInvariant(), StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key)
            .ToList();
        if (best.Count == 0)
        {
            return "Untitled";
        }

        var title = string.Join(", ", best);
        return char.ToUpperInvariant(title[0]) + title[1..];
    }
}
