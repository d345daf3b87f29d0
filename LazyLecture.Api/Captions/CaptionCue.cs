using LazyLecture.Contracts.Jobs;

namespace LazyLecture.Api.Captions;

/// <summary>
/// One srt/vtt cue: whole milliseconds from the start of the recording, its lines as shown, and the timed words it was
/// made of (empty for a cue made from a segment without words).
/// </summary>
public sealed record CaptionCue(long StartMs, long EndMs, IReadOnlyList<string> Lines, IReadOnlyList<SegmentWord> Words)
{
    public string Text => string.Join('\n', Lines);
}
