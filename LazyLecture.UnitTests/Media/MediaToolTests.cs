using System.Diagnostics;
using LazyLecture.Media.Ffmpeg;
using Xunit;

namespace LazyLecture.Tests.Media;

/// <summary>
/// The one ffmpeg runner: a missing tool is named with the package to install, a tool that runs past its time-out is
/// killed and reported as timed out, the caller's cancellation kills it and throws, and a decoding failure carries
/// ffmpeg's own reason.
/// </summary>
public class MediaToolTests
{
    // An endless silent source: ffmpeg never finishes this on its own.
    private static readonly string[] Endless = ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-f", "null", "-"];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_missing_tool_is_named_with_the_package_that_provides_it()
    {
        var error = await Assert.ThrowsAsync<MediaToolNotFoundException>(() =>
            MediaTool.RunForTextAsync("ffmpeg-that-is-not-installed", ["-version"], TimeSpan.FromSeconds(10), Cancellation));

        Assert.Equal("ffmpeg-that-is-not-installed", error.Tool);
        Assert.Contains("not installed or not on the PATH", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install ffmpeg", error.Message, StringComparison.Ordinal);
        Assert.False(MediaTool.IsInstalled("ffmpeg-that-is-not-installed"));
    }

    [Fact]
    public async Task A_run_past_its_time_out_is_killed_and_reported_as_timed_out()
    {
        RequireFfmpeg();
        var clock = Stopwatch.StartNew();

        var result = await MediaTool.RunForTextAsync(MediaTool.Ffmpeg, Endless, TimeSpan.FromSeconds(1), Cancellation);

        Assert.True(result.TimedOut);
        Assert.Equal(-1, result.ExitCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task The_caller_s_cancellation_kills_the_tool_and_throws()
    {
        RequireFfmpeg();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        cancel.CancelAfter(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            MediaTool.RunForTextAsync(MediaTool.Ffmpeg, Endless, TimeSpan.FromMinutes(5), cancel.Token));
    }

    [Fact]
    public async Task A_run_that_finishes_gives_its_output_and_exit_code()
    {
        RequireFfmpeg();

        var result = await MediaTool.RunForTextAsync(MediaTool.Ffmpeg, ["-version"], TimeSpan.FromMinutes(1), Cancellation);

        Assert.False(result.TimedOut);
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("ffmpeg version", result.Output, StringComparison.Ordinal);
    }

    private static void RequireFfmpeg()
    {
        if (!MediaTool.IsInstalled())
        {
            Assert.Skip("ffmpeg is not on PATH");
        }
    }
}
