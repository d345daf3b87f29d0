using LazyLecture.Api.Chapters;
using Xunit;

namespace LazyLecture.Tests.Chapters;

public class TopicSegmentationTests
{
    private static readonly string[] Cooking = ["bread", "flour", "oven", "dough", "yeast", "bake"];
    private static readonly string[] Sailing = ["ship", "ocean", "sailor", "wave", "port", "sea"];
    private static readonly string[] Football = ["team", "ball", "goal", "player", "coach", "game"];
    private static readonly string[] Shared = ["today", "good", "time", "make"];

    [Fact]
    public void Chapters_start_at_the_segments_where_the_vocabulary_changes()
    {
        var segments = Lecture((Cooking, 12), (Sailing, 12), (Football, 12));

        var starts = TopicSegmentation.ChapterStarts(segments, TopicSegmentationOptions.Default);

        Assert.Equal([0, 12, 24], starts);
    }

    [Fact]
    public void No_chapter_is_shorter_than_the_minimum_length()
    {
        // A 10-second digression (two segments) about football inside the cooking topic.
        var segments = Lecture((Cooking, 10), (Football, 2), (Cooking, 10), (Sailing, 12));

        var starts = TopicSegmentation.ChapterStarts(segments, TopicSegmentationOptions.Default with { MinChapterSecs = 30 });

        Assert.DoesNotContain(starts, s => s is 10 or 12);
        Assert.Contains(22, starts);
        var times = starts.Select(s => segments[s].Start).Append(segments[^1].End).ToList();
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= 30, $"a chapter from {pair.First} to {pair.Second} s"));
    }

    [Fact]
    public void One_subject_throughout_is_one_chapter_and_an_empty_transcript_none()
    {
        Assert.Equal([0], TopicSegmentation.ChapterStarts(Lecture((Cooking, 30)), TopicSegmentationOptions.Default));
        Assert.Empty(TopicSegmentation.ChapterStarts([], TopicSegmentationOptions.Default));
    }

    [Fact]
    public void Titles_hold_the_words_most_distinctive_of_each_chapter_as_they_were_spoken()
    {
        var segments = Lecture((Cooking, 12), (Sailing, 12));
        segments = [.. segments.Select((s, i) => i == 0 ? s with { Terms = [.. s.Terms, new Term("bread", "Breads"), new Term("bread", "Breads")] } : s)];

        var titles = ChapterTitles.Title(segments, [0, 12]);

        Assert.Equal(2, titles.Count);
        Assert.StartsWith("Bread", titles[0], StringComparison.Ordinal); // the most frequent stem first, shown as the word said most often for it
        Assert.All(titles[0].ToLowerInvariant().Split(", "), word => Assert.Contains(word, Cooking.Append("breads")));
        Assert.All(titles[1].ToLowerInvariant().Split(", "), word => Assert.Contains(word, Sailing));
        Assert.DoesNotContain("today", string.Join(' ', titles), StringComparison.OrdinalIgnoreCase); // said in both: not distinctive
        Assert.Equal(ChapterTitles.WordsPerTitle, titles[1].Split(", ").Length);
    }

    /// <summary>Segments of 5 s, each with six words of its subject (rotating) and two words common to the whole lecture.</summary>
    private static List<SegmentTerms> Lecture(params (string[] Words, int Segments)[] topics)
    {
        var segments = new List<SegmentTerms>();
        foreach (var (words, count) in topics)
        {
            for (var i = 0; i < count; i++)
            {
                var terms = Enumerable.Range(0, 6).Select(k => words[(i + k) % words.Length])
                    .Concat([Shared[i % Shared.Length], Shared[(i + 1) % Shared.Length]])
                    .Select(w => new Term(w, w)).ToList();
                segments.Add(new SegmentTerms(segments.Count * 5.0, segments.Count * 5.0 + 5, terms));
            }
        }

        return segments;
    }
}
