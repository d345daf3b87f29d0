namespace LazyLecture.Worker.VoiceActivity;

/// <summary>
/// Where a recording holds speech (padded regions, in order, seconds from its start) and where it is silent. Two readings
/// of the same probabilities: the regions to transcribe (the job's settings: whole phrases), and every pause between words
/// (silero's own defaults: 100 ms of silence, 30 ms of padding), where a chunk may be cut without cutting a word.
/// </summary>
/// <param name="wordRegions">The fine reading; null: the same as <paramref name="regions"/>.</param>
public sealed class SpeechMap(IReadOnlyList<SpeechRegion> regions, double recordingSecs, IReadOnlyList<SpeechRegion>? wordRegions = null)
{
    /// <summary>Silences at least this long never hold a segment or a word (a segment that would span one is split at it).</summary>
    public const double LongSilenceSecs = 1.0;

    public IReadOnlyList<SpeechRegion> Regions { get; } = regions;

    public double RecordingSecs { get; } = recordingSecs;

    public double SpeechSecs => Regions.Sum(r => r.Duration);

    /// <summary>Every pause between words (the fine reading), the recording's silent start and end included: where chunks may end.</summary>
    public IEnumerable<SpeechRegion> Pauses() => GapsBetween(wordRegions ?? Regions);

    /// <summary>The gaps between the regions to transcribe, the recording's silent start and end included.</summary>
    public IEnumerable<SpeechRegion> Silences() => GapsBetween(Regions);

    private IEnumerable<SpeechRegion> GapsBetween(IReadOnlyList<SpeechRegion> regions)
    {
        var previousEnd = 0.0;
        foreach (var region in regions)
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
