using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace LazyLecture.Worker.Audio;

/// <summary>
/// Runs ffmpeg to turn audio into 16 kHz mono float samples: a slice of a file (the job's chunks) or a whole stream given
/// on its standard input (the speech-to-text clients). Arguments go as a list, never through a shell.
/// </summary>
public static class FfmpegPcm
{
    public const int SampleRate = 16000;

    /// <summary>The most a stream may give: Buffer.BlockCopy's int offsets allow just under 2 GB of floats (about 9 hours).</summary>
    private const int MaxStreamSamples = (int.MaxValue - 64 * 1024) / sizeof(float);

    /// <summary><paramref name="lengthSecs"/> seconds from <paramref name="startSecs"/> of the file's first audio track.</summary>
    public static Task<ReadOnlyMemory<float>> DecodeFileAsync(string audioPath, double startSecs, double lengthSecs, CancellationToken cancellationToken) =>
        RunAsync(
            [
                "-ss", startSecs.ToString("0.###", CultureInfo.InvariantCulture),
                "-t", lengthSecs.ToString("0.###", CultureInfo.InvariantCulture),
                "-i", audioPath,
            ],
            input: null,
            // ffmpeg's output length is known up to rounding, so one buffer of the chunk's length (plus a little) is enough.
            maxSamples: (int)Math.Ceiling(lengthSecs * SampleRate) + SampleRate,
            cancellationToken);

    /// <summary>All of the audio in <paramref name="input"/> (any format ffmpeg recognises by content).</summary>
    public static Task<ReadOnlyMemory<float>> DecodeStreamAsync(Stream input, CancellationToken cancellationToken) =>
        RunAsync(["-i", "pipe:0"], input, maxSamples: MaxStreamSamples, cancellationToken);

    private static async Task<ReadOnlyMemory<float>> RunAsync(string[] inputArguments, Stream? input, int maxSamples, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in (string[])["-v", "error", "-nostdin", .. inputArguments])
        {
            // -nostdin stops ffmpeg reading commands from stdin; with pipe:0 the audio itself comes from there.
            if (!(input is not null && argument == "-nostdin"))
            {
                startInfo.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in (string[])["-map", "0:a:0", "-f", "f32le", "-ac", "1", "-ar", SampleRate.ToString(CultureInfo.InvariantCulture), "pipe:1"])
        {
            startInfo.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException("ffmpeg could not be started.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("ffmpeg is not installed or not on the PATH (Debian: apt-get install ffmpeg).", ex);
        }

        using (process)
        {
            using var cancel = cancellationToken.Register(() => process.Kill(entireProcessTree: true));
            var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
            var feeding = FeedAsync(process, input, cancellationToken);
            // Bytes land straight in the sample array (f32le is the machine's order on every supported platform); it
            // grows by doubling up to the most that is kept, and anything beyond that is read and dropped.
            var samples = new float[Math.Min(maxSamples, 1 << 20)];
            var capacityBytes = (long)maxSamples * sizeof(float);
            var buffer = new byte[64 * 1024];
            long filled = 0;
            int read;
            while ((read = await process.StandardOutput.BaseStream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                var take = (int)Math.Min(read, capacityBytes - filled);
                if (filled + take > (long)samples.Length * sizeof(float))
                {
                    Array.Resize(ref samples, (int)Math.Min(maxSamples, Math.Max((long)samples.Length * 2, (filled + take + 3) / sizeof(float))));
                }

                Buffer.BlockCopy(buffer, 0, samples, (int)filled, take);
                filled += take;
            }

            await feeding;
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"ffmpeg could not decode the audio: {(await errors).Trim()}");
            }

            return samples.AsMemory(0, (int)(filled / sizeof(float)));
        }
    }

    private static async Task FeedAsync(Process process, Stream? input, CancellationToken cancellationToken)
    {
        try
        {
            if (input is not null)
            {
                await input.CopyToAsync(process.StandardInput.BaseStream, cancellationToken);
            }
        }
        catch (IOException)
        {
            // ffmpeg stopped reading (it failed, or has what it needs): its exit code and message tell which.
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // the pipe is already broken: nothing left to close
            }
        }
    }
}
