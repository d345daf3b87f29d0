using LazyLecture.Api.Transcriptions.Export;

namespace LazyLecture.Api.OpenAi;

/// <summary>
/// The one place where stored word timings become OpenAI's <c>words</c> (<c>timestamp_granularities[]=word</c>).
/// Words are stored with their segments (from the engine's token timestamps); a segment saved without words contributes
/// none, rather than words invented from the segment's span.
/// </summary>
public static class TranscriptWords
{
    public static IEnumerable<OpenAiWord> Of(TranscriptSegment segment) => segment.Words.Select(w => new OpenAiWord(w.Text, w.Start, w.End));
}
