using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Hosting;

public sealed class ApplicationShutdownTests
{
    [Fact]
    public async Task Disposing_the_application_leaves_no_child_process_behind()
    {
        // A second, independent instance beside the shared one: it must not collide with it (ports, node names, epmd).
        var app = await AppHostFixture.StartApplicationAsync();
        var stateDirectory = app.Options.StateDirectory;
        var groups = app.ProcessIds;
        Assert.True(groups.Count >= 5, $"expected postgres, epmd, rabbitmq, api and worker processes, saw {groups.Count}");
        Assert.All(groups, pid => Assert.True(Directory.Exists($"/proc/{pid}"), $"process {pid} is not running"));

        await app.DisposeAsync();

        var survivors = RunningProcesses().Where(p => groups.Contains(p.ProcessGroup) || p.CommandLine.Contains(stateDirectory, StringComparison.Ordinal)).ToList();
        Assert.True(survivors.Count == 0, "still running: " + string.Join("; ", survivors.Select(p => $"{p.Pid} {p.CommandLine}")));
        Assert.False(Directory.Exists(stateDirectory), "the test host's state folder was not deleted");
    }

    private sealed record ProcessInfo(int Pid, int ProcessGroup, string CommandLine);

    private static IEnumerable<ProcessInfo> RunningProcesses()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            string stat, commandLine;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
                commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue; // exited while we looked
            }

            // Fields after the parenthesised command name: state, ppid, pgrp, …
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            yield return new ProcessInfo(pid, int.Parse(fields[2]), commandLine);
        }
    }
}
