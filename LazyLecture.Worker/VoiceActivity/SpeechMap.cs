namespace LazyLecture.Worker.VoiceActivity;

/// <summary>Where a recording holds speech (padded regions, in order, seconds from its start) and where it is silent.</summary>
public sealed class SpeechMap(IReadOnlyList<SpeechRegion> regions, double recordingSecs)
{
    /// <summary>Silences at least this long never hold a segment or a word (a segment that would span one is split at it).</summary>
    public const double LongSilenceSecs = 1.0;

    public IReadOnlyList<SpeechRegion> Regions { get; } = regions;

    public double RecordingSecs { get; } = recordingSecs;

    public double SpeechSecs => Regions.Sum(r => r.Duration);

    /// <summary>The gaps between speech, the recording's silent start and end included.</summary>
    public IEnumerable<SpeechRegion> Pauses()
    {
        var previousEnd = 0.0;
        foreach (var region in Regions)
        {
            if (region.Start > previousEnd)
            {
                yield return new SpeechRegion(previousEnd, region.Start);
            }

            previousEnd = Math.Max(previousEnd, region.End);
        }

        if (RecordingSecs > previousEnd)
        {
            yield return new SpeechRegion(previousEnd, RecordingSecs);
        }
    }

    /// <summary>The speech between <paramref name="start"/> and <paramref name="end"/>, cut to that span.</summary>
    public IReadOnlyList<SpeechRegion> SpeechWithin(double start, double end) =>
        [.. Regions.Where(r => r.End > start && r.Start < end).Select(r => new SpeechRegion(Math.Max(r.Start, start), Math.Min(r.End, end)))];
}
