namespace LazyLecture.Whisper;

/// <summary>whisper.cpp's log-mel front end for 16 kHz mono samples.</summary>
public static class LogMelSpectrogram
{
    public static MelSpectrogram Compute(ReadOnlySpan<float> samples, MelFilterBank filters, int threads) => throw new NotImplementedException();
}
