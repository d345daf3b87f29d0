using System.Globalization;

namespace LazyLecture.Media.Ffmpeg;

/// <summary>
/// Turns audio into the 16 kHz mono float samples the engines take, with ffmpeg: a slice of a file (the worker's chunks),
/// a whole file (the engine's reader) or a whole stream on ffmpeg's standard input (the speech-to-text clients).
/// </summary>
public static class FfmpegPcm
{
    public const int SampleRate = 16000;

    /// <summary>Decoding runs far faster than real time (2 h of mp3 in about 2.5 s); past this, ffmpeg is stuck.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The most a stream may give: Buffer.BlockCopy's int offsets allow just under 2 GB of floats (about 9 hours).</summary>
    private const int MaxSamples = (int.MaxValue - 64 * 1024) / sizeof(float);

    /// <summary><paramref name="lengthSecs"/> seconds from <paramref name="startSecs"/> of the file's first audio track.</summary>
    public static Task<ReadOnlyMemory<float>> DecodeFileAsync(string audioPath, double startSecs, double lengthSecs, CancellationToken cancellationToken) =>
        DecodeAsync(
            [
                "-nostdin",
                "-ss", startSecs.ToString("0.###", CultureInfo.InvariantCulture),
                "-t", lengthSecs.ToString("0.###", CultureInfo.InvariantCulture),
                "-i", audioPath,
            ],
            input: null,
            // ffmpeg's output length is known up to rounding, so one buffer of the chunk's length (plus a little) is enough.
            maxSamples: (int)Math.Ceiling(lengthSecs * SampleRate) + SampleRate,
            DefaultTimeout,
            cancellationToken);

    /// <summary>All of the file's first audio track.</summary>
    public static Task<ReadOnlyMemory<float>> DecodeFileAsync(string audioPath, CancellationToken cancellationToken) =>
        DecodeAsync(["-nostdin", "-i", audioPath], input: null, MaxSamples, DefaultTimeout, cancellationToken);

    /// <summary>All of the audio in <paramref name="input"/> (any format ffmpeg recognises by content).</summary>
    public static Task<ReadOnlyMemory<float>> DecodeStreamAsync(Stream input, CancellationToken cancellationToken) =>
        // no -nostdin: the audio itself comes on the standard input
        DecodeAsync(["-i", "pipe:0"], input, MaxSamples, DefaultTimeout, cancellationToken);

    private static async Task<ReadOnlyMemory<float>> DecodeAsync(string[] inputArguments, Stream? input, int maxSamples, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string[] arguments =
        [
            "-v", "error", .. inputArguments,
            "-map", "0:a:0", "-f", "f32le", "-ac", "1", "-ar", SampleRate.ToString(CultureInfo.InvariantCulture), "pipe:1",
        ];
        var result = await MediaTool.RunAsync(MediaTool.Ffmpeg, arguments, input, (output, ct) => ReadSamplesAsync(output, maxSamples, ct), timeout, cancellationToken)
            .ConfigureAwait(false);
        if (result.TimedOut)
        {
            throw new AudioDecodeException(FormattableString.Invariant($"ffmpeg did not finish decoding the audio within {timeout.TotalSeconds:F0} s."));
        }

        if (result.ExitCode != 0)
        {
            var reason = result.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            throw new AudioDecodeException($"ffmpeg could not decode the audio: {reason ?? $"exit code {result.ExitCode}"}");
        }

        return result.Output;
    }

    /// <summary>
    /// Bytes land straight in the sample array (f32le is the machine's order on every supported platform); it grows by
    /// doubling up to the most that is kept, and anything beyond that is read and dropped.
    /// </summary>
    private static async Task<ReadOnlyMemory<float>> ReadSamplesAsync(Stream output, int maxSamples, CancellationToken cancellationToken)
    {
        var samples = new float[Math.Min(maxSamples, 1 << 20)];
        var capacityBytes = (long)maxSamples * sizeof(float);
        var buffer = new byte[64 * 1024];
        long filled = 0;
        int read;
        while ((read = await output.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var take = (int)Math.Min(read, capacityBytes - filled);
            if (filled + take > (long)samples.Length * sizeof(float))
            {
                Array.Resize(ref samples, (int)Math.Min(maxSamples, Math.Max((long)samples.Length * 2, (filled + take + 3) / sizeof(float))));
            }

            Buffer.BlockCopy(buffer, 0, samples, (int)filled, take);
            filled += take;
        }

        return samples.AsMemory(0, (int)(filled / sizeof(float)));
    }
}
