using System.Diagnostics;

namespace LazyLecture.Tests.Infrastructure;

/// <summary>Real media files made by ffmpeg for tests: a 440 Hz tone of the given length, encoded by the given output arguments.</summary>
public static class TestAudio
{
    /// <summary>
    /// Writes <paramref name="fileName"/> in <paramref name="directory"/> and returns its full path. The tone is the first input
    /// (<c>0:a</c>); arguments may add more inputs of their own (a video source, say) before the codec options.
    /// </summary>
    public static async Task<string> GenerateAsync(string directory, string fileName, double seconds, string[] ffmpegOutputArgs)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, fileName);
        var start = new ProcessStartInfo("ffmpeg")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", FormattableString.Invariant($"sine=frequency=440:duration={seconds}")])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in ffmpegOutputArgs)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add(path);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var process = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg did not start.");
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ffmpeg took over a minute to write {fileName}.");
        }

        await output;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg could not write {fileName} (exit {process.ExitCode}): {await errors}");
        }

        return path;
    }
}
