using LazyLecture.Worker.VoiceActivity;

namespace LazyLecture.Worker.Jobs.Chunking;

/// <summary>One chunk of a recording: its number and its real start and end (seconds from the recording's start).</summary>
public readonly record struct ChunkSpan(int ChunkNo, double Start, double End)
{
    public double Length => End - Start;
}

/// <summary>
/// Where a recording's chunks start and end. Chunk N nominally ends at (N+1) × chunk size, as the original cut it; with a
/// speech map each end moves into the longest pause within the search distance of that offset (the middle of the pause's
/// part inside the search span), so no word is cut in two, and stays at the exact offset only where no pause is near.
/// Boundaries are placed around the fixed offsets rather than after the previous chunk, so the chunk numbers stay those of
/// the original (0 to floor(length / size)) and a resumed job, which plans again from the same audio, finds the same chunks.
/// </summary>
public static class ChunkPlan
{
    /// <param name="searchSecs">How far from the nominal offset a pause may be; at most half a chunk, so chunks never swap places.</param>
    public static IReadOnlyList<ChunkSpan> Plan(double recordingSecs, double chunkSizeSecs, SpeechMap? speech, double searchSecs)
    {
        var lastChunk = (int)Math.Floor(recordingSecs / chunkSizeSecs);
        var search = Math.Min(searchSecs, chunkSizeSecs / 2);
        var pauses = speech?.Pauses().ToList() ?? [];
        var chunks = new List<ChunkSpan>();
        var start = 0.0;
        for (var chunkNo = 0; chunkNo <= lastChunk; chunkNo++)
        {
            var nominal = (chunkNo + 1) * chunkSizeSecs;
            var end = nominal >= recordingSecs ? recordingSecs : PauseNear(pauses, nominal, search, start, recordingSecs) ?? nominal;
            if (end > start)
            {
                chunks.Add(new ChunkSpan(chunkNo, start, end)); // an empty chunk (its end moved onto its start) is left out
            }

            start = Math.Max(start, end);
        }

        return chunks;
    }

    /// <summary>The middle of the longest pause part within <paramref name="search"/> of <paramref name="nominal"/>, after <paramref name="after"/>.</summary>
    private static double? PauseNear(List<SpeechRegion> pauses, double nominal, double search, double after, double recordingSecs)
    {
        var from = Math.Max(nominal - search, after);
        var to = Math.Min(nominal + search, recordingSecs);
        SpeechRegion? longest = null;
        foreach (var pause in pauses)
        {
            var part = new SpeechRegion(Math.Max(pause.Start, from), Math.Min(pause.End, to));
            if (part.Duration > 0 && (longest is null || part.Duration > longest.Value.Duration))
            {
                longest = part;
            }
        }

        return longest is { } chosen ? (chosen.Start + chosen.End) / 2 : null;
    }
}
