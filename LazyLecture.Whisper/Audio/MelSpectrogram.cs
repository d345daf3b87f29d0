namespace LazyLecture.Whisper.Audio;

/// <summary>A log-mel spectrogram laid out bin-major [Bins][Frames].</summary>
internal sealed class MelSpectrogram
{
    public MelSpectrogram(int bins, int frames, int framesFromAudio, float[] data)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        ArgumentOutOfRangeException.ThrowIfNegative(framesFromAudio);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != (long)bins * frames)
        {
            throw new ArgumentException($"Mel data holds {data.Length} values, expected {bins} x {frames}.", nameof(data));
        }

        Bins = bins;
        Frames = frames;
        FramesFromAudio = framesFromAudio;
        Data = data;
    }

    public int Bins { get; }

    public int Frames { get; }

    /// <summary>Frames computed from the audio itself, before the 30 s of zero padding (whisper.cpp's n_len_org).</summary>
    public int FramesFromAudio { get; }

    public float[] Data { get; }
}
