using LazyLecture.Media.Ffmpeg;

namespace LazyLecture.Tests.Infrastructure;

/// <summary>Real media files made by ffmpeg for tests: a 440 Hz tone of the given length, or anything ffmpeg arguments describe.</summary>
public static class TestAudio
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Writes <paramref name="fileName"/> in <paramref name="directory"/> and returns its full path. The tone is the first input
    /// (<c>0:a</c>); arguments may add more inputs of their own (a video source, say) before the codec options.
    /// </summary>
    public static async Task<string> GenerateAsync(string directory, string fileName, double seconds, string[] ffmpegOutputArgs)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, fileName);
        await RunFfmpegAsync(["-y", "-f", "lavfi", "-i", FormattableString.Invariant($"sine=frequency=440:duration={seconds}"), .. ffmpegOutputArgs, path]);
        return path;
    }

    /// <summary>A longer recording of real speech: <paramref name="source"/> played <paramref name="times"/> times in a row (same format).</summary>
    public static async Task<string> RepeatAsync(string source, int times, string directory, string fileName)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, fileName);
        await RunFfmpegAsync(["-y", "-stream_loop", (times - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", source, "-c", "copy", path]);
        return path;
    }

    /// <summary>Runs ffmpeg with the arguments (quiet, no stdin) through the product's runner; fails with its error output, or after a minute.</summary>
    public static async Task RunFfmpegAsync(IEnumerable<string> arguments)
    {
        var result = await MediaTool.RunForTextAsync(MediaTool.Ffmpeg, ["-nostdin", "-v", "error", .. arguments], Timeout, CancellationToken.None);
        if (result.TimedOut)
        {
            throw new TimeoutException("ffmpeg took over a minute.");
        }

        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg failed (exit {result.ExitCode}): {result.Errors}");
        }
    }
}
