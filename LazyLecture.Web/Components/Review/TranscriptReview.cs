using LazyLecture.Web.Api;

namespace LazyLecture.Web.Components.Review;

/// <summary>
/// The owner's review settings on a transcript page: below which probability a word is marked as uncertain, and whether
/// only the segments with such words are shown. One definition of "uncertain" for the marks, the filter and the count.
/// </summary>
public sealed class TranscriptReview
{
    /// <summary>The thresholds offered (the engine's probability that it heard the word right).</summary>
    public static readonly double[] Thresholds = [0.3, 0.5, 0.7, 0.9];

    public double Threshold { get; set; } = 0.5;

    public bool OnlyUncertain { get; set; }

    public bool IsUncertain(TimedWord word) => word.Probability < Threshold;

    /// <summary>A corrected segment's text is the owner's, no longer the engine's words: nothing in it is uncertain.</summary>
    public bool HasUncertainWords(Segment segment) =>
        segment.Review != SegmentReviews.Corrected && segment.TimedWords.Any(IsUncertain);

    public bool Shows(Segment segment) => !OnlyUncertain || HasUncertainWords(segment);
}
