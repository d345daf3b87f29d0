namespace LazyLecture.Api.Chapters;

/// <summary>A content word of a segment: its stem (PostgreSQL's English text-search lexeme) and the word as spoken.</summary>
public sealed record Term(string Stem, string Surface);

/// <summary>A segment as topic segmentation sees it: its time and its content words, stop words removed.</summary>
public sealed record SegmentTerms(double Start, double End, IReadOnlyList<Term> Terms);

/// <summary>
/// How chapters are found: the words compared on each side of a gap, the shortest chapter, and the least depth that counts
/// as a topic change at all (TextTiling's cut-off is relative, so without it a lecture on one subject would still be cut).
/// </summary>
public sealed record TopicSegmentationOptions(int BlockTerms = 20, double MinChapterSecs = 30, double MinDepth = 0.15)
{
    public static readonly TopicSegmentationOptions Default = new();
}

/// <summary>
/// Lexical cohesion in the TextTiling family (Hearst 1997), over segments instead of fixed token sequences: at each gap
/// between segments, the stems of about <see cref="TopicSegmentationOptions.BlockTerms"/> content words before and after it
/// are compared (cosine of term counts); a gap's depth is how far its similarity lies below the peaks on either side; the
/// deepest gaps beyond TextTiling's cut-off (mean − sd/2 of the depths) start chapters, no chapter shorter than the minimum.
/// </summary>
public static class TopicSegmentation
{
    /// <summary>The indexes of the segments that start a chapter, ascending; the first segment always does.</summary>
    public static IReadOnlyList<int> ChapterStarts(IReadOnlyList<SegmentTerms> segments, TopicSegmentationOptions options)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Count == 0)
        {
            return [];
        }

        var similarity = new double[segments.Count]; // at gap i: between segment i-1 and segment i
        for (var gap = 1; gap < segments.Count; gap++)
        {
            similarity[gap] = Cosine(Block(segments, gap - 1, -1, options.BlockTerms), Block(segments, gap, +1, options.BlockTerms));
        }

        var depths = new List<(int Gap, double Depth)>();
        for (var gap = 1; gap < segments.Count; gap++)
        {
            depths.Add((gap, Depth(similarity, gap)));
        }

        if (depths.Count == 0)
        {
            return [0];
        }

        var mean = depths.Average(d => d.Depth);
        var sd = Math.Sqrt(depths.Average(d => (d.Depth - mean) * (d.Depth - mean)));
        var cutoff = Math.Max(mean - sd / 2, options.MinDepth);

        var starts = new List<int> { 0 };
        var lectureEnd = segments[^1].End;
        foreach (var (gap, _) in depths.Where(d => d.Depth > cutoff).OrderByDescending(d => d.Depth).ThenBy(d => d.Gap))
        {
            var start = segments[gap].Start;
            if (start - segments[0].Start < options.MinChapterSecs || lectureEnd - start < options.MinChapterSecs
                || starts.Any(other => Math.Abs(segments[other].Start - start) < options.MinChapterSecs))
            {
                continue;
            }

            starts.Add(gap);
        }

        starts.Sort();
        return starts;
    }

    /// <summary>Stem counts of segments from <paramref name="from"/> walking in <paramref name="step"/>, until the block holds enough terms.</summary>
    private static Dictionary<string, int> Block(IReadOnlyList<SegmentTerms> segments, int from, int step, int terms)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var taken = 0;
        for (var i = from; i >= 0 && i < segments.Count && taken < terms; i += step)
        {
            foreach (var term in segments[i].Terms)
            {
                counts[term.Stem] = counts.GetValueOrDefault(term.Stem) + 1;
                taken++;
            }
        }

        return counts;
    }

    private static double Cosine(Dictionary<string, int> left, Dictionary<string, int> right)
    {
        double dot = 0, leftNorm = 0, rightNorm = 0;
        foreach (var (stem, count) in left)
        {
            leftNorm += count * count;
            if (right.TryGetValue(stem, out var other))
            {
                dot += count * other;
            }
        }

        foreach (var count in right.Values)
        {
            rightNorm += count * count;
        }

        return leftNorm == 0 || rightNorm == 0 ? 0 : dot / Math.Sqrt(leftNorm * rightNorm);
    }

    /// <summary>TextTiling's depth score: climb from the gap to the highest similarity on each side while it keeps rising.</summary>
    private static double Depth(double[] similarity, int gap)
    {
        var left = similarity[gap];
        for (var i = gap - 1; i >= 1 && similarity[i] >= left; i--)
        {
            left = similarity[i];
        }

        var right = similarity[gap];
        for (var i = gap + 1; i < similarity.Length && similarity[i] >= right; i++)
        {
            right = similarity[i];
        }

        return left - similarity[gap] + (right - similarity[gap]);
    }
}
