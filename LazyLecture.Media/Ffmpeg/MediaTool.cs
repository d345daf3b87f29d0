using System.ComponentModel;
using System.Diagnostics;

namespace LazyLecture.Media.Ffmpeg;

/// <summary>
/// Runs ffmpeg or ffprobe directly (arguments as a list, never through a shell) under a time limit: the child is killed
/// with its whole tree on time-out or cancellation, and a missing tool is a <see cref="MediaToolNotFoundException"/>.
/// </summary>
public static class MediaTool
{
    public const string Ffmpeg = "ffmpeg";
    public const string Ffprobe = "ffprobe";

    /// <summary>Whether <paramref name="tool"/> is an executable file in a folder of the PATH.</summary>
    public static bool IsInstalled(string tool = Ffmpeg)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(folder, tool)) || File.Exists(Path.Combine(folder, tool + ".exe")))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Runs the tool and keeps its standard output as text (ffprobe's JSON, ffmpeg's progress report).</summary>
    public static Task<MediaToolResult<string>> RunForTextAsync(string tool, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunAsync(tool, arguments, input: null, static async (output, ct) =>
        {
            using var reader = new StreamReader(output);
            return await reader.ReadToEndAsync(ct).ConfigureAwait(false);
        }, timeout, cancellationToken);

    /// <summary>
    /// Runs the tool, gives it <paramref name="input"/> on its standard input (or closes that at once) and hands its standard
    /// output to <paramref name="readOutput"/>. A run over <paramref name="timeout"/> is killed and reported as timed out;
    /// the caller's cancellation kills it too and throws.
    /// </summary>
    public static async Task<MediaToolResult<T>> RunAsync<T>(
        string tool, IReadOnlyList<string> arguments, Stream? input, Func<Stream, CancellationToken, Task<T>> readOutput, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(readOutput);
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
            throw new MediaToolNotFoundException(tool, ex);
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        // Killing closes the child's pipes, so the readers below end instead of waiting on a tool that hangs.
        using var kill = limit.Token.Register(() => Kill(process));
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var feeding = FeedAsync(process, input, limit.Token);
        T output = default!;
        var stopped = false;
        try
        {
            output = await readOutput(process.StandardOutput.BaseStream, limit.Token).ConfigureAwait(false);
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            stopped = true;
        }

        await feeding.ConfigureAwait(false);
        if (stopped)
        {
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            var diagnostics = await errors.ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return new MediaToolResult<T>(TimedOut: true, ExitCode: -1, default!, diagnostics);
        }

        return new MediaToolResult<T>(TimedOut: false, process.ExitCode, output, await errors.ConfigureAwait(false));
    }

    private static async Task FeedAsync(Process process, Stream? input, CancellationToken cancellationToken)
    {
        try
        {
            if (input is not null)
            {
                await input.CopyToAsync(process.StandardInput.BaseStream, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The tool stopped reading (it failed, has what it needs, or was killed): its exit code and messages tell which.
        }
        finally
        {
            try
            {
                // Nothing (more) to read: a tool waiting on its input would otherwise stall until the time-out.
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // the pipe is already broken: nothing left to close
            }
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own between the time-out and the kill.
        }
    }
}
