using System.Diagnostics;

namespace LazyLecture.Hosting.Runtime;

/// <summary>
/// One OS process of a resource. It is started through <c>setsid</c> so it leads its own process group:
/// stopping it signals the whole group, and the orphan reaper can kill the group if the AppHost dies.
/// </summary>
internal sealed class ManagedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ProcessSpec _spec;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ManagedProcess(Process process, ProcessSpec spec)
    {
        _process = process;
        _spec = spec;
    }

    public int ProcessId { get; private set; }

    /// <summary>Completes with the exit code when the process has exited and its output is drained.</summary>
    public Task<int> Exited => _exited.Task;

    public static ManagedProcess Start(ProcessSpec spec, Action<string> onOutputLine)
    {
        var startInfo = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? Environment.CurrentDirectory,
        };

        // setsid execs in place (the child is not a group leader), so the pid we get is the program's own.
        if (spec.RunAsUser is not null && Posix.IsRoot)
        {
            startInfo.ArgumentList.Add("setpriv");
            startInfo.ArgumentList.Add($"--reuid={spec.RunAsUser}");
            startInfo.ArgumentList.Add($"--regid={spec.RunAsUser}");
            startInfo.ArgumentList.Add("--init-groups");
            startInfo.ArgumentList.Add("--reset-env");
        }

        startInfo.ArgumentList.Add(spec.FileName);
        foreach (var argument in spec.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in spec.Environment)
        {
            startInfo.Environment[key] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var managed = new ManagedProcess(process, spec);
        var streamsOpen = 2;
        void OnLine(string? line)
        {
            if (line is null)
            {
                if (Interlocked.Decrement(ref streamsOpen) == 0)
                {
                    managed.CompleteWhenExited();
                }

                return;
            }

            onOutputLine(line);
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {spec.DisplayName} ({spec.FileName}).");
        }

        managed.ProcessId = process.Id;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return managed;
    }

    private void CompleteWhenExited()
    {
        _ = Task.Run(async () =>
        {
            await _process.WaitForExitAsync().ConfigureAwait(false);
            _exited.TrySetResult(_process.ExitCode);
        });
    }

    /// <summary>Asks the process to stop with its stop signal; kills its whole group when it does not stop in time.</summary>
    public async Task StopAsync()
    {
        if (!Exited.IsCompleted)
        {
            Posix.Signal(ProcessId, _spec.StopSignal);
            await Task.WhenAny(Exited, Task.Delay(_spec.StopTimeout)).ConfigureAwait(false);
        }

        Kill();
        await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
    }

    /// <summary>Kills the process and everything left in its group at once (a crash, as far as the resource can tell).</summary>
    public void Kill()
    {
        Posix.SignalGroup(ProcessId, Posix.SigKill);
        Posix.Signal(ProcessId, Posix.SigKill);
    }

    public async ValueTask DisposeAsync()
    {
        if (!Exited.IsCompleted)
        {
            await StopAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }
}
