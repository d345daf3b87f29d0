namespace LazyLecture.Worker.VoiceActivity;

/// <summary>
/// A chunk's speech joined as whisper.cpp's <c>--vad</c> joins it (src/whisper.cpp, whisper_full_with_state): each speech
/// region in order, every region but the last with 0.1 s more of the audio after it, then 0.1 s of zeros before the next;
/// and the time map from the joined samples back to the chunk: region starts and ends, and the zero gaps' edges, as
/// fixed points with straight lines between them.
/// </summary>
public sealed class SpeechOnlyAudio
{
    /// <summary>whisper.cpp's <c>samples_overlap</c>: audio kept past each region's end.</summary>
    public const double OverlapSecs = 0.1;

    /// <summary>The zeros whisper.cpp puts between two regions.</summary>
    public const double GapSecs = 0.1;

    private const int Rate = SileroVadModel.SampleRate;

    private readonly List<(double Joined, double Original)> _map;

    private SpeechOnlyAudio(float[] samples, List<(double Joined, double Original)> map)
    {
        Samples = samples;
        _map = map;
    }

    /// <summary>What the engine transcribes.</summary>
    public ReadOnlyMemory<float> Samples { get; }

    public double JoinedSecs => Samples.Length / (double)Rate;

    /// <param name="chunk">The chunk's samples.</param>
    /// <param name="regions">Its speech, in seconds from the chunk's start, in order.</param>
    public static SpeechOnlyAudio Join(ReadOnlySpan<float> chunk, IReadOnlyList<SpeechRegion> regions)
    {
        var overlap = (int)(OverlapSecs * Rate);
        var gap = (int)(GapSecs * Rate);
        var spans = new List<(int Start, int End, int Copied)>();
        var total = 0;
        for (var i = 0; i < regions.Count; i++)
        {
            var start = Math.Clamp((int)Math.Round(regions[i].Start * Rate), 0, chunk.Length);
            var end = Math.Clamp((int)Math.Round(regions[i].End * Rate), start, chunk.Length);
            var last = i == regions.Count - 1;
            var copied = last ? end - start : Math.Min(end + overlap, chunk.Length) - start;
            if (copied <= 0)
            {
                continue;
            }

            spans.Add((start, end, copied));
            total += copied + (last ? 0 : gap);
        }

        var samples = new float[total];
        var map = new List<(double Joined, double Original)>();
        var offset = 0;
        for (var i = 0; i < spans.Count; i++)
        {
            var (start, end, copied) = spans[i];
            map.Add((offset / (double)Rate, start / (double)Rate));
            map.Add(((offset + end - start) / (double)Rate, end / (double)Rate));
            chunk.Slice(start, copied).CopyTo(samples.AsSpan(offset));
            offset += copied;
            if (i < spans.Count - 1)
            {
                // the zeros stand for the silence up to the next region
                map.Add((offset / (double)Rate, end / (double)Rate));
                map.Add(((offset + gap) / (double)Rate, spans[i + 1].Start / (double)Rate));
                offset += gap;
            }
        }

        if (offset < samples.Length)
        {
            Array.Resize(ref samples, offset); // a region that ended the chunk had no room for its overlap
        }

        // whisper.cpp keeps the first point of each joined time (sorted, duplicates dropped)
        var points = map.OrderBy(p => p.Joined).DistinctBy(p => p.Joined).ToList();
        return new SpeechOnlyAudio(samples, points);
    }

    /// <summary>A time in the joined samples as seconds from the chunk's start (whisper.cpp's map_processed_to_original_time).</summary>
    public double ToOriginal(double joined)
    {
        if (_map.Count == 0)
        {
            return joined;
        }

        if (joined <= _map[0].Joined)
        {
            return _map[0].Original;
        }

        if (joined >= _map[^1].Joined)
        {
            return _map[^1].Original;
        }

        var upper = 1;
        while (_map[upper].Joined < joined)
        {
            upper++;
        }

        var (j0, o0) = _map[upper - 1];
        var (j1, o1) = _map[upper];
        return j1 == j0 ? o0 : o0 + (joined - j0) * (o1 - o0) / (j1 - j0);
    }
}
