using System.Runtime.CompilerServices;
using LazyLecture.Whisper.Kernels;
using LazyLecture.Whisper.Model;

namespace LazyLecture.Whisper.Audio;

/// <summary>whisper.cpp's log-mel front end for 16 kHz mono samples (audio.py semantics as whisper.cpp implements them).</summary>
internal static class LogMelSpectrogram
{
    public const int SampleRate = 16000;
    public const int FrameSize = 400;
    public const int FrameStep = 160;

    private const int PaddingSamples = SampleRate * 30;
    private const int ReflectPad = FrameSize / 2;

    private static readonly Fft FrameFft = new(FrameSize);
    private static readonly float[] HannWindow = CreatePeriodicHann();

    public static MelSpectrogram Compute(ReadOnlySpan<float> samples, MelFilterBank filters, int threads)
    {
        ArgumentNullException.ThrowIfNull(filters);
        if (samples.Length <= ReflectPad)
        {
            throw new ArgumentException($"At least {ReflectPad + 1} samples are needed for the reflective padding.", nameof(samples));
        }

        var n = samples.Length;

        // Reflect 200 samples at the start, zeros after the audio (30 s plus 200): as whisper.cpp's log_mel_spectrogram.
        var padded = new float[n + PaddingSamples + 2 * ReflectPad];
        samples.CopyTo(padded.AsSpan(ReflectPad));
        for (var i = 0; i < ReflectPad; i++)
        {
            padded[i] = samples[ReflectPad - i];
        }

        var frames = (padded.Length - FrameSize) / FrameStep;
        var framesFromAudio = 1 + (n + ReflectPad - FrameSize) / FrameStep;
        var bins = filters.Bins;
        var data = new float[bins * frames];

        // Frames whose window starts past the audio see only zeros; whisper.cpp writes log10(1e-10) there.
        var signalLength = n + ReflectPad;
        var computedFrames = Math.Min(signalLength / FrameStep + 1, frames);
        var workers = Math.Max(1, threads);
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers },
            worker => ComputeFrames(padded, signalLength, filters, data, frames, computedFrames, worker, workers));

        var silence = (float)Math.Log10(1e-10);
        for (var m = 0; m < bins; m++)
        {
            data.AsSpan(m * frames + computedFrames, frames - computedFrames).Fill(silence);
        }

        // Dynamic range of 8 (log10 units) below the loudest value, then scale to about [-1, 1].
        double max = -1e20;
        foreach (var v in data)
        {
            max = Math.Max(max, v);
        }

        var floor = max - 8.0;
        for (var i = 0; i < data.Length; i++)
        {
            var v = data[i] < floor ? (float)floor : data[i]; // whisper.cpp stores the floor in the float array first
            data[i] = (float)((v + 4.0) / 4.0);
        }

        return new MelSpectrogram(bins, frames, framesFromAudio, data);
    }

    // Frames worker, worker + workers, …: window, FFT, power spectrum, mel filters, log10 (as whisper.cpp's worker threads).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeFrames(float[] padded, int signalLength, MelFilterBank filters, float[] data, int frames, int computedFrames, int worker, int workers)
    {
        var windowed = new float[FrameSize];
        var spectrum = new float[2 * FrameSize];
        var power = new float[filters.FftBins];
        var bins = filters.Bins;
        for (var frame = worker; frame < computedFrames; frame += workers)
        {
            var offset = frame * FrameStep;
            var available = Math.Min(FrameSize, signalLength - offset);
            for (var j = 0; j < available; j++)
            {
                windowed[j] = HannWindow[j] * padded[offset + j];
            }

            Array.Clear(windowed, available, FrameSize - available);
            FrameFft.Transform(windowed, spectrum);
            for (var j = 0; j < power.Length; j++)
            {
                power[j] = spectrum[2 * j] * spectrum[2 * j] + spectrum[2 * j + 1] * spectrum[2 * j + 1];
            }

            for (var m = 0; m < bins; m++)
            {
                var filter = filters.Data.AsSpan(m * filters.FftBins, filters.FftBins);
                // whisper.cpp adds four float products in float, then that group to a double; the last bin alone.
                // Groups of only zero weights add exactly nothing, so the loop covers the filter's non-zero range.
                var fftBins = filters.FftBins;
                var lastGroup = fftBins - 3; // groups start below this, the rest are added one by one
                double sum = 0;
                var k = filters.NonZeroStart[m] & ~3;
                for (; k < filters.NonZeroEnd[m] && k < lastGroup; k += 4)
                {
                    sum += power[k] * filter[k] + power[k + 1] * filter[k + 1] + power[k + 2] * filter[k + 2] + power[k + 3] * filter[k + 3];
                }

                for (k = Math.Max(k, lastGroup + 3 & ~3); k < filters.NonZeroEnd[m]; k++)
                {
                    sum += power[k] * filter[k];
                }

                data[m * frames + frame] = (float)Math.Log10(Math.Max(sum, 1e-10));
            }
        }
    }

    // Periodic Hann (denominator N, as torch.hann_window and whisper.cpp), evaluated in float like cosf.
    private static float[] CreatePeriodicHann()
    {
        var window = new float[FrameSize];
        for (var i = 0; i < FrameSize; i++)
        {
            window[i] = (float)(0.5 * (1.0 - MathF.Cos((float)(2.0 * Math.PI * i / FrameSize))));
        }

        return window;
    }
}
