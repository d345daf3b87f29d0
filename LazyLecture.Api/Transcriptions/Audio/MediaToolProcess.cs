using System.ComponentModel;
using System.Diagnostics;

namespace LazyLecture.Api.Transcriptions.Audio;

/// <summary>How a run of ffmpeg or ffprobe ended; <see cref="TimedOut"/> runs were killed and have no meaningful exit code.</summary>
internal sealed record MediaToolResult(bool TimedOut, int ExitCode, string Output, string Errors);

/// <summary>Runs ffmpeg or ffprobe directly (arguments as a list, no shell) under a time limit, killing it on timeout or cancellation.</summary>
internal static class MediaToolProcess
{
    public static async Task<MediaToolResult> RunAsync(string tool, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"{tool} could not be started; it must be installed and on PATH.", ex);
        }

        process.StandardInput.Close(); // nothing to read: a tool waiting on input would only stall until the timeout
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await Task.WhenAll(output, errors);
            cancellationToken.ThrowIfCancellationRequested();
            return new MediaToolResult(TimedOut: true, ExitCode: -1, await output, await errors);
        }

        return new MediaToolResult(TimedOut: false, process.ExitCode, await output, await errors);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (InvalidOperationException)
        {
            // It exited on its own between the timeout and the kill.
        }
    }
}
