namespace LazyLecture.Whisper.Model;

/// <summary>The model file's mel filter bank: <see cref="Bins"/> filters over <see cref="FftBins"/> power-spectrum bins, filter-major.</summary>
internal sealed class MelFilterBank
{
    public MelFilterBank(int bins, int fftBins, float[] data)
    {
        Bins = bins;
        FftBins = fftBins;
        Data = data;
        NonZeroStart = new int[bins];
        NonZeroEnd = new int[bins];
        for (var m = 0; m < bins; m++)
        {
            var filter = data.AsSpan(m * fftBins, fftBins);
            var first = filter.IndexOfAnyExcept(0f);
            NonZeroStart[m] = first < 0 ? 0 : first;
            NonZeroEnd[m] = first < 0 ? 0 : filter.LastIndexOfAnyExcept(0f) + 1;
        }
    }

    public int Bins { get; }

    /// <summary>Power-spectrum bins per filter (n_fft / 2 + 1 = 201 for Whisper).</summary>
    public int FftBins { get; }

    /// <summary>Weights laid out [Bins][FftBins].</summary>
    public float[] Data { get; }

    /// <summary>
    /// Where each filter's non-zero weights start and end (exclusive): a triangle over a few bins. Summing only those
    /// gives the same sum, since the skipped terms are exactly zero.
    /// </summary>
    public int[] NonZeroStart { get; }

    public int[] NonZeroEnd { get; }
}
