using System.Diagnostics;

namespace LazyLecture.Tests.Infrastructure;

/// <summary>Real audio files made with ffmpeg for tests (a sine tone or silence of a given length, in any format).</summary>
public static class TestAudio
{
    /// <summary>Generates <paramref name="seconds"/> of a 440 Hz tone with ffmpeg; <paramref name="ffmpegOutputArgs"/> pick the codec.</summary>
    public static async Task<string> GenerateAsync(string directory, string fileName, double seconds, string[] ffmpegOutputArgs)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, fileName);
        string[] arguments = ["-v", "error", "-y", "-f", "lavfi", "-i", $"sine=frequency=440:sample_rate=16000:duration={seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}", .. ffmpegOutputArgs, path];
        await RunFfmpegAsync(arguments);
        return path;
    }

    public static async Task RunFfmpegAsync(IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg failed: {await errors}");
        }
    }
}
