using LazyLecture.Api.Transcriptions.Export;

namespace LazyLecture.Api.OpenAi;

/// <summary>
/// The one place where stored word timings become OpenAI's <c>words</c> (<c>timestamp_granularities[]=word</c>).
/// Word-level timestamps are stored per segment by the word-timestamp feature; until a segment carries words, it
/// contributes none, and the answer's <c>words</c> array is empty rather than invented from the segment's span.
/// </summary>
public static class TranscriptWords
{
    // At the merge with word timestamps: segment.Words.Select(w => new OpenAiWord(w.Text, w.Start, w.End)).
    public static IEnumerable<OpenAiWord> Of(TranscriptSegment segment) => [];
}
