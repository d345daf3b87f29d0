using System.Diagnostics;
using System.Globalization;

namespace LazyLecture.Worker.Audio;

/// <summary>
/// Decodes one chunk of a recording with ffmpeg into 16 kHz mono float samples. Only the chunk is in memory, so memory
/// does not grow with the recording's length.
/// </summary>
public sealed class ChunkDecoder(ILogger<ChunkDecoder> logger)
{
    public const int SampleRate = 16000;

    public async Task<ReadOnlyMemory<float>> DecodeAsync(string audioPath, double startSecs, double lengthSecs, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        string[] arguments =
        [
            "-v", "error", "-nostdin",
            "-ss", startSecs.ToString("0.###", CultureInfo.InvariantCulture),
            "-t", lengthSecs.ToString("0.###", CultureInfo.InvariantCulture),
            "-i", audioPath,
            "-map", "0:a:0", "-f", "f32le", "-ac", "1", "-ar", SampleRate.ToString(CultureInfo.InvariantCulture), "pipe:1",
        ];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("ffmpeg could not be started.");
        process.StandardInput.Close();
        using var cancel = cancellationToken.Register(() => process.Kill(entireProcessTree: true));
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);

        // ffmpeg's output length is known up to rounding, so one buffer of the chunk's length (plus a little) is enough.
        var samples = new float[(int)Math.Ceiling(lengthSecs * SampleRate) + SampleRate];
        var capacity = samples.Length * sizeof(float);
        var buffer = new byte[64 * 1024];
        var filled = 0;
        int read;
        while ((read = await process.StandardOutput.BaseStream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var take = Math.Min(read, capacity - filled);
            Buffer.BlockCopy(buffer, 0, samples, filled, take);
            filled += take;
        }

        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg could not decode the recording: {(await errors).Trim()}");
        }

        var count = filled / sizeof(float);
        logger.LogDebug("Decoded {Samples} samples from {Start} s", count, startSecs);
        return samples.AsMemory(0, count);
    }
}
