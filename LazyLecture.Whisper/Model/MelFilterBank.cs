namespace LazyLecture.Whisper;

/// <summary>The model file's mel filter bank: <see cref="Bins"/> filters over <see cref="FftBins"/> power-spectrum bins, filter-major.</summary>
public sealed class MelFilterBank(int bins, int fftBins, float[] data)
{
    public int Bins { get; } = bins;

    /// <summary>Power-spectrum bins per filter (n_fft / 2 + 1 = 201 for Whisper).</summary>
    public int FftBins { get; } = fftBins;

    /// <summary>Weights laid out [Bins][FftBins].</summary>
    public float[] Data { get; } = data;
}
