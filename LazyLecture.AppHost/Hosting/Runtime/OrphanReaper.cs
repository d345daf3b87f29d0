using System.Diagnostics;

namespace LazyLecture.Hosting.Runtime;

/// <summary>
/// Guarantees that no resource process outlives the AppHost, even when the AppHost is killed with SIGKILL and gets no
/// chance to stop anything: a tiny watchdog shell, in its own session, polls the AppHost's pid and, once it is gone,
/// kills every process group listed in the state folder's pid file.
/// </summary>
internal sealed class OrphanReaper : IDisposable
{
    private readonly string _pidFile;
    private readonly HashSet<int> _groups = [];
    private readonly Process? _watchdog;

    public OrphanReaper(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        _pidFile = Path.Combine(stateDirectory, "process-groups");
        File.WriteAllText(_pidFile, string.Empty);

        const string script = """
            owner="$1"; pidfile="$2"
            while kill -0 "$owner" 2>/dev/null; do sleep 1; done
            [ -f "$pidfile" ] || exit 0
            for group in $(cat "$pidfile"); do kill -s TERM -- "-$group" 2>/dev/null; done
            sleep 3
            for group in $(cat "$pidfile"); do kill -s KILL -- "-$group" 2>/dev/null; done
            rm -f "$pidfile"
            """;
        var startInfo = new ProcessStartInfo("setsid") { UseShellExecute = false, RedirectStandardInput = true };
        foreach (var argument in new[] { "sh", "-c", script, "lazylecture-reaper", Environment.ProcessId.ToString(), _pidFile })
        {
            startInfo.ArgumentList.Add(argument);
        }

        _watchdog = Process.Start(startInfo);
        _watchdog?.StandardInput.Close();
    }

    public void Track(int processGroupId)
    {
        lock (_groups)
        {
            _groups.Add(processGroupId);
            Save();
        }
    }

    public void Untrack(int processGroupId)
    {
        lock (_groups)
        {
            _groups.Remove(processGroupId);
            Save();
        }
    }

    private void Save() => File.WriteAllText(_pidFile, string.Join('\n', _groups));

    public void Dispose()
    {
        lock (_groups)
        {
            _groups.Clear();
            Save();
        }

        if (_watchdog is { HasExited: false })
        {
            Posix.SignalGroup(_watchdog.Id, Posix.SigKill);
        }

        _watchdog?.Dispose();
    }
}
